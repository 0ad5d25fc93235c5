// Accepts TDS connections. stop() closes the port and every session, so the instance looks
// like a dead server; start() listens again on the same port.
#pragma once

#include "engine/executor.hpp"

#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

namespace mssql_sim {

class Instance;
class Connection;

class Listener {
public:
    Listener(Instance& inst, Services services);
    ~Listener();
    void start();  // binds (the configured port, or the one bound before) and starts accepting
    void stop();   // closes the listening socket and all connections
    int port() const { return port_; }
    bool running() const { return running_.load(); }
    void setServices(Services s) { services_ = std::move(s); }

private:
    void acceptLoop();
    void reap(bool all);

    Instance& inst_;
    Services services_;
    std::unique_ptr<Poco::Net::ServerSocket> server_;
    std::thread acceptThread_;
    std::atomic<bool> running_{false};
    int port_ = 0;
    std::mutex mu_;
    struct Client {
        std::shared_ptr<Connection> conn;
        std::thread thread;
    };
    std::list<Client> clients_;
};

}  // namespace mssql_sim
