// Starts the real mssql-sim executable in a temporary data directory on a free port and
// stops it (SIGTERM, then SIGKILL after a grace period) when the fixture ends.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace simtest {

using drkit::test_support::TempDir;

class SimProcess {
public:
    // dataDir persists across restart(); extraArgs are appended to the command line.
    SimProcess(std::filesystem::path dataDir, std::string name, std::string password = "Sim#Pass1",
               std::vector<std::string> extraArgs = {});
    ~SimProcess();
    void start();
    void stop();      // SIGTERM and wait for a clean exit; returns the exit status via lastExit()
    void restart() { stop(); start(); }
    int port() const { return port_; }
    int endpoint() const { return endpoint_; }
    int lastExit() const { return lastExit_; }
    bool running() const { return pid_ > 0; }
    const std::string& name() const { return name_; }
    const std::string& password() const { return password_; }
    std::string connectionString(const std::string& tdsVersion = "7.4", const std::string& extra = "") const;
    std::string address() const;  // 'TCP://127.0.0.1:<endpoint>' for SET PARTNER
    // Sends one control command on the endpoint port; returns output lines; throws on ERR.
    std::vector<std::string> control(const std::string& command) const;
    std::string stderrText() const;

private:
    std::filesystem::path dataDir_;
    std::string name_, password_;
    std::vector<std::string> extraArgs_;
    pid_t pid_ = -1;
    int port_ = 0, endpoint_ = 0, lastExit_ = -1;
};

std::filesystem::path simBinary();

}  // namespace simtest
