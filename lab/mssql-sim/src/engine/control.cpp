#include "engine/control.hpp"

#include "engine/agent.hpp"
#include "engine/instance.hpp"
#include "engine/mirroring.hpp"
#include "server/listener.hpp"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketStream.h>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <stdexcept>

#include <fmt/format.h>

namespace mssql_sim {

namespace {

// Splits "fault fail 4305 match='RESTORE LOG' count=2" into words; quotes group words.
std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    bool any = false;
    char quote = 0;
    for (char c : line) {
        if (quote) {
            if (c == quote) quote = 0;
            else cur.push_back(c);
            continue;
        }
        if (c == '\'' || c == '"') { quote = c; any = true; continue; }
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (any || !cur.empty()) out.push_back(cur);
            cur.clear();
            any = false;
            continue;
        }
        cur.push_back(c);
    }
    if (quote) throw std::runtime_error("unbalanced quote in control command");
    if (any || !cur.empty()) out.push_back(cur);
    return out;
}

struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> kv;
    std::string get(const std::string& k, const std::string& def = "") const {
        auto it = kv.find(k);
        return it == kv.end() ? def : it->second;
    }
};

Args parseArgs(const std::vector<std::string>& w, std::size_t from) {
    Args a;
    for (std::size_t i = from; i < w.size(); ++i) {
        auto eq = w[i].find('=');
        if (eq != std::string::npos && eq > 0) a.kv[lowerAscii(w[i].substr(0, eq))] = w[i].substr(eq + 1);
        else a.positional.push_back(w[i]);
    }
    return a;
}

int toInt(const std::string& s, const char* what) {
    try {
        std::size_t pos = 0;
        int v = std::stoi(s, &pos);
        if (pos != s.size()) throw std::invalid_argument(s);
        return v;
    } catch (...) {
        throw std::runtime_error(fmt::format("{} must be a number, got '{}'", what, s));
    }
}

int countArg(const Args& a) {
    std::string c = a.get("count", "1");
    return c == "*" || c == "all" ? -1 : toInt(c, "count");
}

const char* kHelp[] = {
    "status                                   instance, ports, state, sessions",
    "stop | start                             refuse connections like a dead server / serve again",
    "shutdown                                 exit the process cleanly",
    "fault delay <ms> [count=N|*] [match=TEXT]",
    "fault fail <error> [severity=16] [state=1] [count=N|*] [match=TEXT] [message=TEXT]",
    "fault drop [count=N|*] [match=TEXT]      drop the connection in the middle of the statement",
    "fault list | fault clear",
    "clock | clock advance <seconds>          the simulator clock that schedules Agent jobs",
    "session open <db> [count=N] [program=NAME] [login=NAME]   simulated application sessions",
    "session list | session close <spid>",
    "write-rate [records-per-second]          the write generator (0 stops it)",
    "lsn [db]                                 every database's state, last LSN, redo and fork points",
    "job start <name>                         like msdb.dbo.sp_start_job",
};

}  // namespace

Control::Control(Instance& inst, Listener& listener, Agent& agent, Mirroring& mirroring, std::function<void()> shutdown)
    : inst_(inst), listener_(listener), agent_(agent), mirroring_(mirroring), shutdown_(std::move(shutdown)) {}

Control::~Control() {
    stopEndpoint();
    if (opThread_.joinable()) opThread_.join();
}

std::vector<std::string> Control::run(const std::string& command, bool fromSession) {
    auto w = words(command);
    if (w.empty()) throw std::runtime_error("empty command; try 'help'");
    std::string cmd = lowerAscii(w[0]);
    std::vector<std::string> out;
    if (cmd == "help") {
        for (const char* h : kHelp) out.emplace_back(h);
        return out;
    }
    if (cmd == "status") {
        std::lock_guard lk(inst_.mu);
        out.push_back(fmt::format("name={} port={} endpoint={} state={} sessions={} databases={} write_rate={} clock={}",
                                  inst_.st.name, inst_.boundPort, inst_.boundEndpointPort, inst_.stopped ? "stopped" : "running",
                                  inst_.sessions.size(), inst_.st.databases.size(), agent_.writeRate(), DateTime{inst_.nowMs()}.toString()));
        return out;
    }
    if (cmd == "stop" || cmd == "start") {
        bool stop = cmd == "stop";
        auto op = [this, stop] {
            std::lock_guard lk(opMu_);
            if (stop) {
                inst_.stopped = true;
                listener_.stop();
                std::lock_guard ilk(inst_.mu);
                std::erase_if(inst_.sessions, [](const auto& kv) { return kv.second.simulated; });
                spdlog::info("[{}] stopped: connections are refused", inst_.st.name);
            } else {
                listener_.start();
                inst_.stopped = false;
                spdlog::info("[{}] started on port {}", inst_.st.name, listener_.port());
            }
        };
        if (fromSession && stop) {
            // The caller's own connection is about to be closed: do it from another thread.
            if (opThread_.joinable()) opThread_.join();
            opThread_ = std::thread(op);
            out.push_back("stopping");
        } else {
            op();
            out.push_back(stop ? "stopped" : fmt::format("started port={}", listener_.port()));
        }
        return out;
    }
    if (cmd == "shutdown") {
        shutdown_();
        out.push_back("shutting down");
        return out;
    }
    if (cmd == "fault") {
        if (w.size() < 2) throw std::runtime_error("usage: fault delay|fail|drop|list|clear ...");
        std::string kind = lowerAscii(w[1]);
        Args a = parseArgs(w, 2);
        if (kind == "clear") {
            inst_.faults.clear();
            out.push_back("faults cleared");
            return out;
        }
        if (kind == "list") return inst_.faults.describe();
        FaultRule r;
        r.kind = kind;
        r.remaining = countArg(a);
        r.match = a.get("match");
        if (kind == "delay") {
            if (a.positional.empty()) throw std::runtime_error("usage: fault delay <ms> [count=N|*] [match=TEXT]");
            r.delayMs = toInt(a.positional[0], "delay");
        } else if (kind == "fail") {
            if (a.positional.empty()) throw std::runtime_error("usage: fault fail <error> [severity=16] [count=N|*] [match=TEXT] [message=TEXT]");
            r.error.number = toInt(a.positional[0], "error");
            r.error.severity = static_cast<std::uint8_t>(toInt(a.get("severity", "16"), "severity"));
            r.error.state = static_cast<std::uint8_t>(toInt(a.get("state", "1"), "state"));
            r.error.text = a.get("message", fmt::format("Simulated error {} (mssql-sim fault injection).", r.error.number));
        } else if (kind != "drop") {
            throw std::runtime_error("unknown fault kind '" + kind + "'; use delay, fail, drop, list or clear");
        }
        inst_.faults.add(r);
        out.push_back("fault added: " + inst_.faults.describe().back());
        return out;
    }
    if (cmd == "clock") {
        std::lock_guard lk(inst_.mu);
        if (w.size() >= 3 && lowerAscii(w[1]) == "advance") {
            inst_.st.clock_offset_ms += static_cast<std::int64_t>(toInt(w[2], "seconds")) * 1000;
            inst_.save();
        } else if (w.size() != 1) {
            throw std::runtime_error("usage: clock | clock advance <seconds>");
        }
        out.push_back(DateTime{inst_.nowMs()}.toString());
        return out;
    }
    if (cmd == "session") {
        if (w.size() < 2) throw std::runtime_error("usage: session open|list|close ...");
        std::string sub = lowerAscii(w[1]);
        Args a = parseArgs(w, 2);
        std::lock_guard lk(inst_.mu);
        if (sub == "open") {
            if (a.positional.empty()) throw std::runtime_error("usage: session open <db> [count=N] [program=NAME] [login=NAME]");
            Database& d = inst_.requireDb(a.positional[0]);
            int n = toInt(a.get("count", "1"), "count");
            for (int i = 0; i < n; ++i) {
                SessionInfo s;
                s.spid = inst_.allocateSpid();
                s.login = a.get("login", "sa");
                s.host = "chat-server";
                s.program = a.get("program", "Persistent Chat Service");
                s.databaseId = d.database_id;
                s.loginTime = s.lastRequestStart = inst_.nowMs();
                s.simulated = true;
                inst_.sessions[s.spid] = s;
                out.push_back(fmt::format("spid={}", s.spid));
            }
            return out;
        }
        if (sub == "list") {
            for (const auto& [id, s] : inst_.sessions) {
                auto* d = inst_.findDbById(s.databaseId);
                out.push_back(fmt::format("spid={} login={} db={} program='{}' simulated={}", id, s.login, d ? d->name : "?", s.program, s.simulated ? 1 : 0));
            }
            return out;
        }
        if (sub == "close") {
            if (a.positional.empty()) throw std::runtime_error("usage: session close <spid>");
            int id = toInt(a.positional[0], "spid");
            auto it = inst_.sessions.find(id);
            if (it == inst_.sessions.end()) throw std::runtime_error(fmt::format("no session {}", id));
            if (it->second.kill) it->second.kill();
            inst_.sessions.erase(it);
            out.push_back("closed");
            return out;
        }
        throw std::runtime_error("usage: session open|list|close ...");
    }
    if (cmd == "write-rate") {
        if (w.size() >= 2) agent_.setWriteRate(toInt(w[1], "write rate"));
        out.push_back(fmt::format("write_rate={}", agent_.writeRate()));
        return out;
    }
    if (cmd == "lsn") {
        std::lock_guard lk(inst_.mu);
        for (const auto& d : inst_.st.databases) {
            if (w.size() >= 2 && !iequals(d.name, w[1])) continue;
            // fork_point_lsn: where the last RESTORE ... WITH RECOVERY ended the restore sequence
            // (sys.database_recovery_status), so a drill can compare it with the last LSN shipped.
            out.push_back(fmt::format("{} state={}{} last_lsn={} log_backup_lsn={} redo_start_lsn={} fork_point_lsn={} mirroring={}",
                                      d.name, d.state_desc, d.is_in_standby ? "/STANDBY" : "", d.end_lsn, d.log_backup_lsn,
                                      d.redo_start_lsn, d.fork_point_lsn,
                                      d.mirroring.role.empty() ? "-" : d.mirroring.role + "/" + d.mirroring.state));
        }
        if (out.empty()) throw std::runtime_error("no such database");
        return out;
    }
    if (cmd == "job") {
        if (w.size() < 3 || lowerAscii(w[1]) != "start") throw std::runtime_error("usage: job start <name>");
        std::lock_guard lk(inst_.mu);
        for (auto& j : inst_.st.jobs) {
            if (!iequals(j.name, w[2])) continue;
            agent_.startJob(j, "USER");
            out.push_back(fmt::format("Job '{}' started successfully.", j.name));
            return out;
        }
        throw std::runtime_error(fmt::format("no job named '{}'", w[2]));
    }
    throw std::runtime_error(fmt::format("unknown command '{}'; try 'help'", w[0]));
}

void Control::startEndpoint() {
    server_ = std::make_unique<Poco::Net::ServerSocket>();
    server_->bind(Poco::Net::SocketAddress(inst_.cfg.host, static_cast<Poco::UInt16>(inst_.cfg.endpointPort)), true);
    server_->listen(32);
    port_ = server_->address().port();
    running_ = true;
    acceptThread_ = std::thread([this] { acceptLoop(); });
}

void Control::stopEndpoint() {
    if (!running_.exchange(false)) return;
    if (acceptThread_.joinable()) acceptThread_.join();
    try {
        server_->close();
    } catch (...) {
    }
    reap(true);
}

void Control::acceptLoop() {
    while (running_) {
        try {
            if (!server_->poll(Poco::Timespan(0, 200000), Poco::Net::Socket::SELECT_READ)) {
                reap(false);
                continue;
            }
            auto sock = std::make_shared<Poco::Net::StreamSocket>(server_->acceptConnection());
            auto done = std::make_shared<std::atomic<bool>>(false);
            std::lock_guard lk(mu_);
            clients_.push_back(Client{std::thread([this, sock, done] {
                                          serve(*sock);
                                          *done = true;
                                      }),
                                      done, sock});
        } catch (const std::exception& e) {
            if (running_) spdlog::warn("[{}] endpoint accept failed: {}", inst_.cfg.name, e.what());
        }
    }
}

void Control::reap(bool all) {
    std::list<Client> done;
    {
        std::lock_guard lk(mu_);
        for (auto it = clients_.begin(); it != clients_.end();) {
            if (all) {
                try { it->socket->shutdown(); } catch (...) {}
            }
            if (all || it->done->load()) done.splice(done.end(), clients_, it++);
            else ++it;
        }
    }
    for (auto& c : done)
        if (c.thread.joinable()) c.thread.join();
}

void Control::serve(Poco::Net::StreamSocket s) {
    try {
        Poco::Net::SocketStream io(s);
        std::string line;
        while (std::getline(io, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty()) continue;
            if (line[0] == '{') {
                boost::json::object resp;
                try {
                    resp = mirroring_.handle(boost::json::parse(line).as_object());
                } catch (const std::exception& e) {
                    resp = {{"ok", false}, {"code", "protocol"}, {"error", e.what()}};
                }
                io << boost::json::serialize(resp) << "\n" << std::flush;
                continue;
            }
            try {
                for (const auto& l : run(line, false)) io << l << "\n";
                io << "OK\n" << std::flush;
            } catch (const std::exception& e) {
                io << "ERR " << e.what() << "\n" << std::flush;
            }
        }
    } catch (const std::exception&) {
        // The peer went away; nothing to clean up beyond the socket.
    }
}

}  // namespace mssql_sim
