#include "server/connection.hpp"

#include "engine/instance.hpp"
#include "server/tds_sink.hpp"
#include "sql/parser.hpp"
#include "tds/login.hpp"
#include "tds/rpc.hpp"
#include "tds/tokens.hpp"
#include "tds/wire.hpp"

#include <spdlog/spdlog.h>

#include <fmt/format.h>

namespace mssql_sim {

Connection::Connection(Instance& inst, Poco::Net::StreamSocket socket, Services services)
    : inst_(inst), sock_(std::move(socket)), services_(std::move(services)), reader_(sock_), writer_(sock_, 0) {
    try {
        peer_ = sock_.peerAddress().toString();
        sock_.setNoDelay(true);
    } catch (...) {
    }
}

Connection::~Connection() {
    close();
    if (readerThread_.joinable()) readerThread_.join();
}

void Connection::close() {
    if (closed_.exchange(true)) return;
    try {
        sock_.shutdown();
    } catch (...) {
    }
}

bool Connection::handshake() {
    auto first = reader_.read();
    if (!first) return false;
    tds::Message msg = std::move(*first);
    if (msg.type == tds::PacketType::PreLogin) {
        auto req = tds::parsePreLogin(msg.payload);
        writer_.type = tds::PacketType::TabularResult;
        writer_.append(tds::buildPreLoginResponse());
        writer_.endMessage();
        if (req.encryption == 0x03) {
            spdlog::info("[{}] {}: client requires encryption, which mssql-sim does not support", inst_.st.name, peer_);
        }
        auto next = reader_.read();
        if (!next) return false;
        msg = std::move(*next);
    }
    if (msg.type != tds::PacketType::Login7) {
        spdlog::warn("[{}] {}: expected LOGIN7, got packet type 0x{:02X}", inst_.st.name, peer_, static_cast<unsigned>(msg.type));
        return false;
    }
    auto login = tds::parseLogin7(msg.payload);
    version_ = tds::negotiateVersion(login.tdsVersion);
    if (version_ == 0) {
        spdlog::warn("[{}] {}: TDS version 0x{:08X} is older than 7.1; refused", inst_.st.name, peer_, login.tdsVersion);
        return false;
    }
    if (login.packetSize >= 512 && login.packetSize <= 32767) writer_.setPacketSize(login.packetSize);
    tds::TokenWriter tw(version_);
    tds::WireWriter w;
    std::unique_lock lk(inst_.mu);
    std::string server = inst_.st.name;
    auto fail = [&](const SqlError& e, bool loginError) {
        tw.message(w, e.message(), server, true);
        if (loginError && e.message().number != 18456) tw.message(w, errors::loginFailed(login.userName).message(), server, true);
        tw.done(w, tds::kTokenDone, tds::kDoneError, 0, 0);
        writer_.append(w.data());
        writer_.endMessage();
        spdlog::info("[{}] {}: login failed for '{}': {}", server, peer_, login.userName, e.what());
        return false;
    };
    if (!inst_.checkPassword(login.userName, login.password)) return fail(errors::loginFailed(login.userName), false);
    Login* l = inst_.findLogin(login.userName);
    std::string dbName = login.database.empty() ? l->default_database_name : login.database;
    Database* db = inst_.findDb(dbName);
    if (!db || db->state_desc == "RESTORING" || db->state_desc == "OFFLINE")
        return fail(SqlError(4060, 11, 1, fmt::format("Cannot open database \"{}\" requested by the login. The login failed.", dbName)), true);
    session_.spid = inst_.allocateSpid();
    session_.login = l->name;
    session_.databaseId = db->database_id;
    SessionInfo info;
    info.spid = session_.spid;
    info.login = l->name;
    info.host = login.hostName;
    info.program = login.appName;
    info.clientInterface = login.clientInterface;
    info.databaseId = db->database_id;
    info.loginTime = inst_.nowMs();
    info.lastRequestStart = info.loginTime;
    info.kill = [this] { close(); };
    inst_.sessions[session_.spid] = info;
    lk.unlock();
    writer_.setSpid(static_cast<std::uint16_t>(session_.spid));

    tw.envChange(w, 1, db->name, "master");
    tw.message(w, Message{5701, 2, 0, fmt::format("Changed database context to '{}'.", db->name), {}, 1}, server, false);
    tw.envCollation(w);
    tw.envChange(w, 2, "us_english", "");
    tw.message(w, Message{5703, 1, 0, "Changed language setting to us_english.", {}, 1}, server, false);
    tw.loginAck(w, "Microsoft SQL Server");
    tw.envChange(w, 4, std::to_string(writer_.packetSize()), std::to_string(writer_.packetSize()));
    tw.done(w, tds::kTokenDone, tds::kDoneFinal, 0, 0);
    writer_.append(w.data());
    writer_.endMessage();
    spdlog::info("[{}] {}: '{}' logged in as spid {} (TDS 0x{:08X}, packet size {})", server, peer_, l->name,
                 session_.spid, version_, writer_.packetSize());
    return true;
}

void Connection::readerLoop() {
    for (;;) {
        std::optional<tds::Message> m;
        try {
            m = reader_.read();
        } catch (const std::exception& e) {
            if (!closed_) spdlog::info("[{}] spid {}: {}", inst_.st.name, session_.spid, e.what());
        }
        std::lock_guard lk(qmu_);
        if (!m) {
            eof_ = true;
            qcv_.notify_all();
            return;
        }
        if (m->type == tds::PacketType::Attention) attention_ = true;
        queue_.push_back(std::move(*m));
        qcv_.notify_all();
    }
}

std::optional<tds::Message> Connection::nextMessage() {
    std::unique_lock lk(qmu_);
    qcv_.wait(lk, [&] { return !queue_.empty() || eof_; });
    if (queue_.empty()) return std::nullopt;
    auto m = std::move(queue_.front());
    queue_.pop_front();
    return m;
}

void Connection::endSession() {
    std::lock_guard lk(inst_.mu);
    auto it = inst_.sessions.find(session_.spid);
    if (it != inst_.sessions.end() && !it->second.simulated) inst_.sessions.erase(it);
}

void Connection::run() {
    try {
        if (!handshake()) {
            close();
            finished_ = true;
            return;
        }
    } catch (const std::exception& e) {
        spdlog::info("[{}] {}: handshake failed: {}", inst_.st.name, peer_, e.what());
        close();
        finished_ = true;
        return;
    }
    readerThread_ = std::thread([this] { readerLoop(); });
    TdsSink sink(writer_, version_, inst_.st.name, attention_);
    Executor ex(inst_, session_, sink, services_);
    for (;;) {
        auto m = nextMessage();
        if (!m) break;
        try {
            sink.reset();
            switch (m->type) {
            case tds::PacketType::Attention:
                if (!attnAcked_) {
                    tds::WireWriter w;
                    tds::TokenWriter(version_).done(w, tds::kTokenDone, tds::kDoneAttn, 0, 0);
                    writer_.append(w.data());
                    writer_.endMessage();
                }
                attnAcked_ = false;
                attention_ = false;
                break;
            case tds::PacketType::SqlBatch: handleBatch(*m, sink, ex); break;
            case tds::PacketType::Rpc: handleRpc(*m, sink, ex); break;
            default: unsupported(*m, sink); break;
            }
        } catch (const DropConnection&) {
            spdlog::info("[{}] spid {}: dropping the connection (fault injection)", inst_.st.name, session_.spid);
            try { sink.flushPartial(); } catch (...) {}
            break;
        } catch (const std::exception& e) {
            if (!closed_) spdlog::info("[{}] spid {}: connection error: {}", inst_.st.name, session_.spid, e.what());
            break;
        }
    }
    close();
    endSession();
    finished_ = true;
}

namespace {
std::string batchText(const tds::Message& m, std::uint32_t version) {
    tds::WireReader r(m.payload);
    std::size_t start = 0;
    if ((version >> 24) >= 0x72 && m.payload.size() >= 4) {
        std::uint32_t total = r.u32();
        if (total < 4 || total > m.payload.size()) throw tds::ProtocolError("bad ALL_HEADERS length in SQL batch");
        start = total;
    }
    return tds::utf16leToUtf8(m.payload.data() + start, m.payload.size() - start);
}
}  // namespace

void Connection::handleBatch(const tds::Message& m, TdsSink& sink, Executor& ex) {
    std::string text = batchText(m, version_);
    bool error = false;
    try {
        ex.runBatch(text);
    } catch (const Cancelled&) {
        attnAcked_ = true;
        sink.finish(false, true);
        return;
    } catch (const SqlError& e) {
        error = true;
        session_.lastError = e.message().number;
        Message msg = e.message();
        sink.error(msg);
        if (!e.terminatingText.empty()) sink.error(errors::terminating(e.terminatingText).message());
        if (msg.severity >= 20) {
            sink.finish(true, false);
            throw std::runtime_error("fatal error closes the connection");
        }
    }
    catch (const tds::ProtocolError&) {
        throw;
    } catch (const DropConnection&) {
        throw;
    } catch (const std::exception& e) {
        // A bug or an unexpected input must not cost the client its connection.
        spdlog::error("[{}] spid {}: internal error on batch: {}", inst_.st.name, session_.spid, e.what());
        sink.error(errors::notSupported(std::string("this request (internal error: ") + e.what() + ")").message());
        sink.finish(true, false);
        return;
    }
    if (!error) session_.lastError = 0;
    sink.finish(error, false);
}

void Connection::unsupported(const tds::Message& m, TdsSink& sink) {
    std::string what = m.type == tds::PacketType::TransactionManager
                           ? "transaction manager requests (manual commit mode); use autocommit"
                           : fmt::format("TDS packet type 0x{:02X}", static_cast<unsigned>(m.type));
    spdlog::warn("[{}] spid {}: unsupported request: {}", inst_.st.name, session_.spid, what);
    sink.error(errors::notSupported(what).message());
    sink.finish(true, false);
}

void Connection::handleRpc(const tds::Message& m, TdsSink& sink, Executor& ex) {
    std::vector<tds::RpcCall> calls;
    try {
        calls = tds::parseRpc(m.payload, (version_ >> 24) >= 0x72);
    } catch (const tds::ProtocolError& e) {
        sink.error(errors::notSupported(e.what()).message());
        sink.finish(true, false, tds::kTokenDoneProc);
        return;
    }
    for (std::size_t ci = 0; ci < calls.size(); ++ci) {
        auto& call = calls[ci];
        bool last = ci + 1 == calls.size();
        std::vector<std::pair<std::size_t, Value>> outputs;  // param index -> value
        int status = 0;
        try {
            sink.setInRpc(true);
            auto bindAndRun = [&](const std::string& decls, const std::string& text, std::size_t firstValue) {
                Scope scope;
                std::vector<std::pair<std::string, SqlType>> declared;
                if (!decls.empty()) declared = sql::parseParamDecls(decls);
                for (const auto& [name, type] : declared) scope.vars[name] = Value::null(type);
                std::size_t pos = 0;
                for (std::size_t i = firstValue; i < call.params.size(); ++i, ++pos) {
                    std::string name = lowerAscii(call.params[i].name);
                    if (name.rfind('@', 0) == 0) name.erase(0, 1);
                    if (name.empty() && pos < declared.size()) name = declared[pos].first;
                    auto it = scope.vars.find(name);
                    if (it == scope.vars.end()) throw errors::tooManyArgs(call.displayName());
                    it->second = castValue(call.params[i].value, it->second.type);
                }
                ex.runBatch(text, scope);
                for (std::size_t i = firstValue; i < call.params.size(); ++i) {
                    if (!call.params[i].output) continue;
                    std::string name = lowerAscii(call.params[i].name);
                    if (name.rfind('@', 0) == 0) name.erase(0, 1);
                    outputs.emplace_back(i, scope.vars[name]);
                }
            };
            auto param = [&](std::size_t i) -> Value {
                if (i >= call.params.size()) throw errors::paramMissing(call.displayName(), fmt::format("parameter {}", i + 1));
                return call.params[i].value;
            };
            std::string name = lowerAscii(call.displayName());
            if (name == "sp_executesql") {
                bindAndRun(call.params.size() > 1 ? param(1).asText() : "", param(0).asText(), 2);
            } else if (name == "sp_prepexec" || name == "sp_prepare") {
                int handle = nextHandle_++;
                prepared_[handle] = Prepared{param(1).asText(), param(2).asText()};
                if (name == "sp_prepexec") {
                    outputs.emplace_back(0, Value::integer(handle));
                    bindAndRun(prepared_[handle].decls, prepared_[handle].text, 3);
                } else {
                    Scope scope;
                    for (const auto& [n, t] : sql::parseParamDecls(prepared_[handle].decls)) scope.vars[n] = Value::null(t);
                    if (auto rs = ex.describe(prepared_[handle].text, scope)) sink.resultSet(*rs);
                    outputs.emplace_back(0, Value::integer(handle));
                }
            } else if (name == "sp_execute") {
                int handle = static_cast<int>(param(0).asInt().value_or(0));
                auto it = prepared_.find(handle);
                if (it == prepared_.end())
                    throw SqlError(8179, 16, 2, fmt::format("Could not find prepared statement with handle {}.", handle));
                auto p = it->second;
                bindAndRun(p.decls, p.text, 1);
            } else if (name == "sp_unprepare") {
                prepared_.erase(static_cast<int>(param(0).asInt().value_or(0)));
            } else if (call.procId) {
                throw errors::notSupported(fmt::format("{} (server cursors); use a forward-only, read-only cursor", call.displayName()));
            } else {
                std::vector<std::string> parts;
                std::string cur;
                for (char c : call.procName) {
                    if (c == '.') { parts.push_back(cur); cur.clear(); }
                    else if (c != '[' && c != ']') cur.push_back(c);
                }
                parts.push_back(cur);
                std::vector<ProcArg> args;
                for (const auto& p : call.params) args.push_back(ProcArg{lowerAscii(p.name), p.value, p.output, false});
                sink.setInRpc(false);
                sink.procBegin();
                sink.procBegin();  // depth 2: the procedure's own procEnd must not write the call's DONEPROC
                status = ex.callProcedure(parts, args);
                for (std::size_t i = 0; i < args.size(); ++i)
                    if (args[i].output) outputs.emplace_back(i, args[i].value);
            }
            sink.setInRpc(true);
            sink.returnStatus(status);
            for (const auto& [i, v] : outputs) sink.returnValue(static_cast<std::uint16_t>(i), call.params[i].name, v);
            if (last) sink.finish(false, false, tds::kTokenDoneProc);
            else sink.endRpcCall(false);
        } catch (const Cancelled&) {
            attnAcked_ = true;
            sink.finish(false, true);
            return;
        } catch (const SqlError& e) {
            sink.error(e.message());
            if (!e.terminatingText.empty()) sink.error(errors::terminating(e.terminatingText).message());
            sink.finish(true, false, tds::kTokenDoneProc);
            return;
        }
        catch (const tds::ProtocolError&) {
            throw;
        } catch (const DropConnection&) {
            throw;
        } catch (const std::exception& e) {
            spdlog::error("[{}] spid {}: internal error on RPC: {}", inst_.st.name, session_.spid, e.what());
            sink.error(errors::notSupported(std::string("this request (internal error: ") + e.what() + ")").message());
            sink.finish(true, false, tds::kTokenDoneProc);
            return;
        }
    }
}

}  // namespace mssql_sim
