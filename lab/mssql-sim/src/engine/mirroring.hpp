// Database mirroring between simulator instances. Partners talk JSON lines over each
// instance's endpoint port (the 'TCP://host:port' in SET PARTNER), like SQL Server's
// mirroring endpoint (5022) is separate from its TDS port.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <string>

namespace mssql_sim {

class Instance;

class Mirroring {
public:
    explicit Mirroring(Instance& inst) : inst_(inst) {}
    // A request from a partner (takes inst.mu itself).
    boost::json::object handle(const boost::json::object& req);
    // Heartbeats: principals push their log position; mirrors notice a silent principal.
    void tick();
    std::string localAddress() const;
    // Sends a request to a partner's endpoint; throws std::runtime_error when unreachable.
    static boost::json::object send(const std::string& address, const boost::json::object& req, int timeoutMs = 3000);

    std::map<std::string, std::chrono::steady_clock::time_point> lastHeard;  // mirror db -> last principal contact (inst.mu)

private:
    Instance& inst_;
};

}  // namespace mssql_sim
