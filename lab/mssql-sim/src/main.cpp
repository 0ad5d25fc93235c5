// mssql-sim --data DIR --port N --name NAME [--password-file F] [options]
// A SQL Server simulator speaking TDS on 127.0.0.1. See docs/lab-mssql-sim.md.
#include "engine/agent.hpp"
#include "engine/control.hpp"
#include "engine/instance.hpp"
#include "engine/mirroring.hpp"
#include "server/listener.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

namespace {

const char* kUsage =
    "usage: mssql-sim --data DIR [--port N] [--name NAME] [--password-file FILE] [options]\n"
    "  --data DIR             state, logs and lock live here (created if missing)\n"
    "  --port N               TDS port on 127.0.0.1 (0 = pick a free one; default 0)\n"
    "  --endpoint-port N      mirroring endpoint and control port (0 = pick a free one; default 0)\n"
    "  --name NAME            instance name (@@SERVERNAME); default: the data directory's name\n"
    "  --password-file FILE   the sa password (first line); or set MSSQL_SA_PASSWORD\n"
    "  --database NAME        create this database at start if missing (repeatable)\n"
    "  --write-rate N         log records per second per ONLINE primary database (default 20; 0 = off)\n"
    "  --backup-size BYTES    payload of a full backup (default 262144)\n"
    "  --log-record-bytes N   log backup payload per log record (default 64)\n"
    "  --job-min-ms N         minimum duration of an Agent job run (default 200)\n"
    "  --log-level LEVEL      trace, debug, info, warn, error (default info)\n"
    "Prints 'mssql-sim ready name=... port=... endpoint=... pid=...' when it accepts connections;\n"
    "exits cleanly on SIGTERM or SIGINT.\n";

[[noreturn]] void usage(const std::string& error) {
    std::cerr << "mssql-sim: " << error << "\n" << kUsage;
    std::exit(2);
}

int toInt(const std::string& opt, const std::string& v) {
    try {
        std::size_t pos = 0;
        long n = std::stol(v, &pos);
        if (pos != v.size() || n < 0) throw std::invalid_argument(v);
        return static_cast<int>(n);
    } catch (...) {
        usage(fmt::format("{} needs a non-negative number, got '{}'", opt, v));
    }
}

}  // namespace

int main(int argc, char** argv) {
    mssql_sim::Config cfg;
    std::string passwordFile, logLevel = "info";
    bool nameSet = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(a + " needs a value");
            return argv[++i];
        };
        if (a == "--help" || a == "-h") {
            std::cout << kUsage;
            return 0;
        } else if (a == "--data") cfg.dataDir = value();
        else if (a == "--port") cfg.port = toInt(a, value());
        else if (a == "--endpoint-port") cfg.endpointPort = toInt(a, value());
        else if (a == "--name") { cfg.name = value(); nameSet = true; }
        else if (a == "--password-file") passwordFile = value();
        else if (a == "--database") cfg.initialDatabases.push_back(value());
        else if (a == "--write-rate") cfg.writeRate = toInt(a, value());
        else if (a == "--backup-size") cfg.backupPayloadBytes = static_cast<std::size_t>(toInt(a, value()));
        else if (a == "--log-record-bytes") cfg.logPayloadBytesPerRecord = static_cast<std::size_t>(toInt(a, value()));
        else if (a == "--job-min-ms") cfg.jobMinDurationMs = toInt(a, value());
        else if (a == "--log-level") logLevel = value();
        else usage("unknown option " + a);
    }
    if (cfg.dataDir.empty()) usage("--data DIR is required");
    if (cfg.port > 65535 || cfg.endpointPort > 65535) usage("ports must be below 65536");

    std::error_code ec;
    std::filesystem::create_directories(cfg.dataDir, ec);
    if (ec) {
        std::cerr << "mssql-sim: cannot create " << cfg.dataDir << ": " << ec.message() << "\n";
        return 1;
    }
    cfg.dataDir = std::filesystem::absolute(cfg.dataDir);
    if (!nameSet) cfg.name = cfg.dataDir.filename().string();
    if (!passwordFile.empty()) {
        std::ifstream in(passwordFile);
        if (!in) {
            std::cerr << "mssql-sim: cannot read the password file " << passwordFile << "\n";
            return 1;
        }
        std::getline(in, cfg.saPassword);
        while (!cfg.saPassword.empty() && (cfg.saPassword.back() == '\r' || cfg.saPassword.back() == ' ')) cfg.saPassword.pop_back();
        if (cfg.saPassword.empty()) {
            std::cerr << "mssql-sim: the password file " << passwordFile << " is empty\n";
            return 1;
        }
    } else if (const char* env = std::getenv("MSSQL_SA_PASSWORD")) {
        cfg.saPassword = env;
    }

    // One process per data directory.
    auto lockPath = cfg.dataDir / "mssql-sim.lock";
    int lockFd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lockFd < 0 || ::flock(lockFd, LOCK_EX | LOCK_NB) != 0) {
        std::cerr << "mssql-sim: " << cfg.dataDir.string() << " is in use by another mssql-sim (lock " << lockPath.string() << ")\n";
        return 1;
    }

    auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>((cfg.dataDir / "mssql-sim.log").string());
    auto err = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto logger = std::make_shared<spdlog::logger>("mssql-sim", spdlog::sinks_init_list{err, file});
    logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
    logger->set_level(spdlog::level::from_str(logLevel));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);

    // Signals are taken synchronously by sigwait; threads inherit the blocked mask.
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
    signal(SIGPIPE, SIG_IGN);

    mssql_sim::Instance inst(cfg);
    try {
        inst.open();
    } catch (const std::exception& e) {
        std::cerr << "mssql-sim: " << e.what() << "\n";
        return 1;
    }
    mssql_sim::Mirroring mirroring(inst);
    mssql_sim::Agent agent(inst, mirroring);
    mssql_sim::Listener listener(inst, {});
    mssql_sim::Control control(inst, listener, agent, mirroring, [] { ::kill(::getpid(), SIGTERM); });
    mssql_sim::Services services;
    services.agent = &agent;
    services.mirroring = &mirroring;
    services.control = [&control](const std::string& cmd) { return control.run(cmd, true); };
    listener.setServices(services);
    try {
        control.startEndpoint();
        inst.boundEndpointPort = control.endpointPort();
        listener.start();
        inst.boundPort = listener.port();
    } catch (const std::exception& e) {
        std::cerr << "mssql-sim: cannot listen on " << cfg.host << ": " << e.what() << "\n";
        return 1;
    }
    agent.start();
    std::cout << fmt::format("mssql-sim ready name={} port={} endpoint={} pid={} data={}", inst.st.name, inst.boundPort,
                             inst.boundEndpointPort, ::getpid(), cfg.dataDir.string())
              << std::endl;
    spdlog::info("[{}] listening on {}:{} (endpoint {})", inst.st.name, cfg.host, inst.boundPort, inst.boundEndpointPort);

    int sig = 0;
    sigwait(&sigs, &sig);
    spdlog::info("[{}] signal {}: shutting down", inst.st.name, sig);
    agent.stop();
    listener.stop();
    control.stopEndpoint();
    {
        std::lock_guard lk(inst.mu);
        inst.save();
    }
    std::cout << "mssql-sim stopped" << std::endl;
    ::close(lockFd);
    return 0;
}
