// One simulated SQL Server instance: configuration, persisted state, live sessions, fault
// rules and the simulator clock. `mu` guards everything mutable here.
#pragma once

#include "engine/faults.hpp"
#include "engine/state.hpp"
#include "engine/store.hpp"
#include "sql/value.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace mssql_sim {

struct Config {
    std::string name = "SQLSIM";
    std::filesystem::path dataDir;
    int port = 0;
    int endpointPort = 0;  // mirroring endpoint + control commands (0 = pick a free port)
    std::string host = "127.0.0.1";
    std::string saPassword;  // from --password-file or MSSQL_SA_PASSWORD; empty = keep the stored one
    std::size_t backupPayloadBytes = 256 * 1024;  // payload written per full backup
    std::size_t logPayloadBytesPerRecord = 64;    // payload per log record in a log backup
    int writeRate = 20;                           // log records per second per ONLINE primary database
    int agentTickMs = 100;
    int jobMinDurationMs = 200;  // a job stays "running" at least this long, so pollers can see it
    std::vector<std::string> initialDatabases;
};

struct SessionInfo {
    int spid = 0;
    std::string login;
    std::string host;
    std::string program;
    std::string clientInterface;
    int databaseId = 1;
    std::int64_t loginTime = 0;
    std::int64_t lastRequestStart = 0;
    std::string status = "sleeping";
    bool simulated = false;              // created through the control interface (an application's session)
    std::function<void()> kill;          // closes the connection; empty for simulated sessions
};

class Instance {
public:
    explicit Instance(Config cfg);

    Config cfg;
    StateStore store;
    InstanceState st;
    Faults faults;
    std::mutex mu;
    std::map<int, SessionInfo> sessions;
    std::atomic<bool> stopped{false};  // "stop": refuse connections like a dead server
    int boundPort = 0;
    int boundEndpointPort = 0;

    // Loads the state (or creates master/tempdb/model/msdb and sa); throws on a bad state file.
    void open();
    void save();  // call with mu held
    std::int64_t nowMs() const;  // simulator clock

    Database* findDb(const std::string& name);
    Database* findDbById(int id);
    Database& requireDb(const std::string& name);  // SqlError 911
    Login* findLogin(const std::string& name);
    Login* findLoginBySid(const std::string& sid);
    bool checkPassword(const std::string& login, const std::string& password);
    void setPassword(Login& l, const std::string& password);

    Database& createDatabase(const std::string& name);
    int allocateSpid();
    int countSessionsIn(int databaseId, int exceptSpid) const;

    static std::string formatLsn(std::int64_t lsn) { return std::to_string(lsn); }
    static std::string newSid();

private:
    void bootstrap();
};

}  // namespace mssql_sim
