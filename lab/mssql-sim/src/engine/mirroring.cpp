#include "engine/mirroring.hpp"

#include "engine/executor.hpp"
#include "engine/instance.hpp"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>
#include <spdlog/spdlog.h>

#include <fmt/format.h>

namespace mssql_sim {

namespace {

std::pair<std::string, int> parseAddress(const std::string& address) {
    std::string a = address;
    if (a.size() > 6 && iequals(a.substr(0, 6), "tcp://")) a = a.substr(6);
    auto colon = a.rfind(':');
    if (colon == std::string::npos) throw errors::mirrorUnreachable(address);
    try {
        return {a.substr(0, colon), std::stoi(a.substr(colon + 1))};
    } catch (...) {
        throw errors::mirrorUnreachable(address);
    }
}

std::string str(const boost::json::object& o, const char* k) {
    if (auto* v = o.if_contains(k); v && v->is_string()) return std::string(v->as_string());
    return "";
}
std::int64_t num(const boost::json::object& o, const char* k) {
    if (auto* v = o.if_contains(k); v && v->is_int64()) return v->as_int64();
    return 0;
}

boost::json::object fail(const std::string& code, const std::string& text) {
    return {{"ok", false}, {"code", code}, {"error", text}};
}

}  // namespace

std::string Mirroring::localAddress() const { return fmt::format("TCP://{}:{}", inst_.cfg.host, inst_.boundEndpointPort); }

boost::json::object Mirroring::send(const std::string& address, const boost::json::object& req, int timeoutMs) {
    auto [host, port] = parseAddress(address);
    Poco::Net::StreamSocket s;
    s.connect(Poco::Net::SocketAddress(host, static_cast<Poco::UInt16>(port)), Poco::Timespan(timeoutMs * 1000LL));
    s.setReceiveTimeout(Poco::Timespan(timeoutMs * 1000LL));
    Poco::Net::SocketStream io(s);
    io << boost::json::serialize(req) << "\n" << std::flush;
    std::string line;
    if (!std::getline(io, line)) throw std::runtime_error("no answer from " + address);
    auto jv = boost::json::parse(line);
    return jv.as_object();
}

boost::json::object Mirroring::handle(const boost::json::object& req) {
    std::lock_guard lk(inst_.mu);
    if (inst_.stopped) return fail("stopped", "the partner instance is stopped");
    std::string op = str(req, "op");
    Database* d = inst_.findDb(str(req, "db"));
    if (!d) return fail("1416", errors::mirrorNotConfigured(str(req, "db")).what());
    auto& m = d->mirroring;
    std::string from = str(req, "from");
    if (op == "hello") {
        // The principal connects: this side must have been configured first, as a RESTORING mirror.
        if (m.role != "MIRROR" || d->state_desc != "RESTORING" || !iequals(m.partner_address, from))
            return fail("1416", errors::mirrorNotConfigured(d->name).what());
        std::int64_t principalLogBackup = num(req, "log_backup_lsn");
        if (principalLogBackup > d->redo_start_lsn)
            return fail("1478", fmt::format("The mirror database, \"{}\", has insufficient transaction log data to preserve the log backup chain of the principal database.  This may happen if a log backup from the principal database has not been taken or has not been restored on the mirror database.", d->name));
        m.state = "SYNCHRONIZED";
        m.guid = str(req, "guid");
        m.partner_instance = str(req, "instance");
        m.role_sequence = 1;
        d->end_lsn = std::max(d->end_lsn, num(req, "lsn"));
        d->redo_start_lsn = d->end_lsn;
        lastHeard[d->name] = std::chrono::steady_clock::now();
        inst_.save();
        return {{"ok", true}, {"instance", inst_.st.name}};
    }
    if (op == "sync") {
        if (m.role == "PRINCIPAL" && num(req, "sequence") < m.role_sequence) {
            // We were forced to serve while that partner was away: it must become the mirror.
            m.state = "SUSPENDED";
            inst_.save();
            return fail("demote", "partner is the principal now");
        }
        if (m.role != "MIRROR" || !iequals(m.partner_address, from)) return fail("1416", errors::mirrorNotConfigured(d->name).what());
        d->end_lsn = num(req, "lsn");
        d->redo_start_lsn = d->end_lsn;
        m.state = "SYNCHRONIZED";
        m.role_sequence = static_cast<int>(num(req, "sequence"));
        lastHeard[d->name] = std::chrono::steady_clock::now();
        return {{"ok", true}};
    }
    if (op == "failover") {
        if (m.role != "MIRROR" || !iequals(m.partner_address, from)) return fail("1416", errors::mirrorNotConfigured(d->name).what());
        m.role = "PRINCIPAL";
        m.state = "SYNCHRONIZED";
        m.role_sequence = static_cast<int>(num(req, "sequence"));
        d->end_lsn = std::max(d->end_lsn, num(req, "lsn"));
        d->state_desc = "ONLINE";
        d->redo_start_lsn = 0;
        inst_.save();
        spdlog::info("[{}] mirroring: [{}] is now PRINCIPAL (manual failover)", inst_.st.name, d->name);
        return {{"ok", true}};
    }
    if (op == "off") {
        if (!m.role.empty() && iequals(m.partner_address, from)) {
            m = MirroringState{};
            inst_.save();
        }
        return {{"ok", true}};
    }
    return fail("protocol", "unknown mirroring request " + op);
}

void Mirroring::tick() {
    struct Push {
        std::string db, partner;
        boost::json::object req;
    };
    std::vector<Push> pushes;
    {
        std::lock_guard lk(inst_.mu);
        if (inst_.stopped) return;
        auto now = std::chrono::steady_clock::now();
        for (auto& d : inst_.st.databases) {
            auto& m = d.mirroring;
            if (m.role == "PRINCIPAL" && m.state != "SUSPENDED") {
                pushes.push_back({d.name, m.partner_address,
                                  {{"op", "sync"}, {"db", d.name}, {"from", localAddress()}, {"lsn", d.end_lsn},
                                   {"sequence", m.role_sequence}}});
            } else if (m.role == "MIRROR" && m.state != "SUSPENDED") {
                auto it = lastHeard.find(d.name);
                if ((it == lastHeard.end() || now - it->second > std::chrono::seconds(5)) && m.state != "DISCONNECTED") {
                    m.state = "DISCONNECTED";
                    spdlog::info("[{}] mirroring: lost the principal of [{}]", inst_.st.name, d.name);
                }
            }
        }
    }
    for (auto& p : pushes) {
        std::string outcome;
        try {
            auto r = send(p.partner, p.req, 1000);
            outcome = r.at("ok").as_bool() ? "ok" : str(r, "code");
        } catch (const std::exception&) {
            outcome = "unreachable";
        }
        std::lock_guard lk(inst_.mu);
        Database* d = inst_.findDb(p.db);
        if (!d || d->mirroring.role != "PRINCIPAL") continue;
        auto& m = d->mirroring;
        std::string before = m.state;
        if (outcome == "ok") m.state = "SYNCHRONIZED";
        else if (outcome == "demote") {
            // The partner took over with FORCE_SERVICE_ALLOW_DATA_LOSS while we were away.
            m.role = "MIRROR";
            m.state = "SUSPENDED";
            d->state_desc = "RESTORING";
            d->redo_start_lsn = d->end_lsn;
            d->redo_start_fork_guid = d->recovery_fork_guid;
        } else m.state = "DISCONNECTED";
        if (before != m.state) {
            spdlog::info("[{}] mirroring: [{}] {} -> {}", inst_.st.name, p.db, before, m.state);
            inst_.save();
        }
    }
}

// ---- ALTER DATABASE ... SET PARTNER -----------------------------------------------------------

void runMirroringAlter(Executor& ex, const sql::Stmt& s, Scope& scope) {
    Instance& inst = ex.inst();
    Mirroring& mir = *ex.services().mirroring;
    std::string dbName = ex.evalText(s.dbExpr, scope);
    Database* d = &inst.requireDb(dbName);
    if (s.what == "WITNESS") {
        if (!s.words.empty() && s.words[0] == "OFF") return;
        throw errors::notSupported("mirroring witnesses");
    }
    const std::string word = s.words.at(0);
    auto reload = [&] {
        d = inst.findDb(dbName);
        if (!d) throw errors::dbNotExist(dbName);
    };
    if (word == "=") {
        std::string partner = ex.evalText(s.expr, scope);
        if (!d->mirroring.role.empty() && !d->mirroring.state.empty() && d->mirroring.role == "PRINCIPAL") throw errors::mirrorAlready(d->name);
        if (d->recovery_model_desc != "FULL")
            throw SqlError(1465, 16, 1, fmt::format("Database \"{}\" database is not in full recovery mode on each of the server instances. The full recovery model is required for a database to participate in database mirroring or in an availability group.", d->name));
        if (d->state_desc == "RESTORING") {
            // Mirror side first: remember the principal; it connects when its side is set.
            d->mirroring = MirroringState{};
            d->mirroring.role = "MIRROR";
            d->mirroring.state = "DISCONNECTED";
            d->mirroring.partner_address = partner;
            d->mirroring.safety = "FULL";
            inst.save();
            return;
        }
        if (d->state_desc != "ONLINE") throw errors::mirrorNotConfigured(d->name);
        boost::json::object req{{"op", "hello"}, {"db", d->name}, {"from", mir.localAddress()}, {"instance", inst.st.name},
                                {"lsn", d->end_lsn}, {"log_backup_lsn", d->log_backup_lsn}, {"guid", Guid::random().toString()}};
        boost::json::object resp;
        bool reachable = true;
        ex.unlocked([&] {
            try {
                resp = Mirroring::send(partner, req);
            } catch (const std::exception&) {
                reachable = false;
            }
        });
        reload();
        if (!reachable) throw errors::mirrorUnreachable(partner);
        if (!resp.at("ok").as_bool()) {
            std::string code = resp.if_contains("code") ? std::string(resp.at("code").as_string()) : "";
            std::string text(resp.at("error").as_string());
            if (code == "1478") throw SqlError(1478, 16, 5, text);
            if (code == "stopped") throw errors::mirrorUnreachable(partner);
            throw errors::mirrorNotConfigured(d->name);
        }
        d->mirroring = MirroringState{};
        d->mirroring.role = "PRINCIPAL";
        d->mirroring.state = "SYNCHRONIZED";
        d->mirroring.partner_address = partner;
        d->mirroring.partner_instance = std::string(resp.at("instance").as_string());
        d->mirroring.guid = std::string(req.at("guid").as_string());
        d->mirroring.role_sequence = 1;
        inst.save();
        return;
    }
    if (d->mirroring.role.empty()) throw errors::dbNotMirrored(d->name);
    if (word == "OFF") {
        std::string partner = d->mirroring.partner_address;
        boost::json::object req{{"op", "off"}, {"db", d->name}, {"from", mir.localAddress()}};
        d->mirroring = MirroringState{};
        inst.save();
        ex.unlocked([&] {
            try {
                Mirroring::send(partner, req, 1000);
            } catch (const std::exception&) {
                // The partner may be down (that is often why mirroring is removed).
            }
        });
        return;
    }
    if (word == "FAILOVER") {
        if (d->mirroring.role != "PRINCIPAL") throw errors::mirrorNotPrincipalFailover(d->name);
        if (d->mirroring.state != "SYNCHRONIZED") throw errors::mirrorNotCaughtUp(d->name);
        if (inst.countSessionsIn(d->database_id, ex.session().spid) > 0) {
            // Failover disconnects the principal's users, like SQL Server does.
            std::vector<int> ids;
            for (const auto& [id, ss] : inst.sessions)
                if (ss.databaseId == d->database_id && id != ex.session().spid) ids.push_back(id);
            for (int id : ids) ex.killSession(id);
        }
        int seq = d->mirroring.role_sequence + 1;
        boost::json::object req{{"op", "failover"}, {"db", d->name}, {"from", mir.localAddress()}, {"lsn", d->end_lsn}, {"sequence", seq}};
        std::string partner = d->mirroring.partner_address;
        boost::json::object resp;
        bool reachable = true;
        ex.unlocked([&] {
            try {
                resp = Mirroring::send(partner, req);
            } catch (const std::exception&) {
                reachable = false;
            }
        });
        reload();
        if (!reachable || !resp.at("ok").as_bool()) throw errors::mirrorNotCaughtUp(d->name);
        d->mirroring.role = "MIRROR";
        d->mirroring.state = "SYNCHRONIZED";
        d->mirroring.role_sequence = seq;
        d->state_desc = "RESTORING";
        d->redo_start_lsn = d->end_lsn;
        d->redo_start_fork_guid = d->recovery_fork_guid;
        mir.lastHeard[d->name] = std::chrono::steady_clock::now();
        if (ex.session().databaseId == d->database_id) ex.session().databaseId = 1;
        inst.save();
        return;
    }
    if (word == "FORCE_SERVICE_ALLOW_DATA_LOSS") {
        if (d->mirroring.role != "MIRROR" || d->mirroring.state == "SYNCHRONIZED") throw errors::mirrorForceNotMirror(d->name);
        d->mirroring.role = "PRINCIPAL";
        d->mirroring.state = "DISCONNECTED";
        d->mirroring.role_sequence += 1;
        d->mirroring.failover_lsn = d->end_lsn;
        d->state_desc = "ONLINE";
        d->redo_start_lsn = 0;
        d->recovery_fork_guid = Guid::random().toString();
        inst.save();
        spdlog::info("[{}] mirroring: [{}] forced to serve (FORCE_SERVICE_ALLOW_DATA_LOSS)", inst.st.name, d->name);
        return;
    }
    if (word == "RESUME") {
        if (d->mirroring.state == "SUSPENDED") d->mirroring.state = "SYNCHRONIZING";
        inst.save();
        return;
    }
    if (word == "SUSPEND") {
        d->mirroring.state = "SUSPENDED";
        inst.save();
        return;
    }
    if (word == "SAFETY") {
        d->mirroring.safety = s.words.at(1) == "OFF" ? "OFF" : "FULL";
        inst.save();
        return;
    }
    if (word == "TIMEOUT") return;
    throw errors::syntax(word);
}

}  // namespace mssql_sim
