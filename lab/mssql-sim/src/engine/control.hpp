// The control interface only the simulator understands: fault injection, stop/start, the
// simulator clock, simulated application sessions, the write generator. Reachable as text
// lines on the endpoint port and as EXEC sp_sim_control N'...' over TDS. The endpoint port
// also carries the mirroring partners' JSON messages.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mssql_sim {

class Instance;
class Listener;
class Agent;
class Mirroring;

class Control {
public:
    Control(Instance& inst, Listener& listener, Agent& agent, Mirroring& mirroring, std::function<void()> shutdown);
    ~Control();
    // Runs one command; returns its output lines. Throws std::runtime_error with a message
    // naming what to do for a bad command.
    std::vector<std::string> run(const std::string& command, bool fromSession);
    void startEndpoint();
    void stopEndpoint();
    int endpointPort() const { return port_; }

private:
    void acceptLoop();
    void serve(Poco::Net::StreamSocket s);
    void reap(bool all);

    Instance& inst_;
    Listener& listener_;
    Agent& agent_;
    Mirroring& mirroring_;
    std::function<void()> shutdown_;
    std::unique_ptr<Poco::Net::ServerSocket> server_;
    std::thread acceptThread_;
    std::atomic<bool> running_{false};
    int port_ = 0;
    std::mutex mu_;
    struct Client {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
        std::shared_ptr<Poco::Net::StreamSocket> socket;
    };
    std::list<Client> clients_;
    std::mutex opMu_;  // serializes stop/start
    std::thread opThread_;
};

}  // namespace mssql_sim
