#include "server/listener.hpp"

#include "engine/instance.hpp"
#include "server/connection.hpp"

#include <Poco/Net/SocketAddress.h>
#include <spdlog/spdlog.h>

namespace mssql_sim {

Listener::Listener(Instance& inst, Services services) : inst_(inst), services_(std::move(services)) {}

Listener::~Listener() { stop(); }

void Listener::start() {
    if (running_) return;
    int want = port_ ? port_ : inst_.cfg.port;
    server_ = std::make_unique<Poco::Net::ServerSocket>();
    server_->bind(Poco::Net::SocketAddress(inst_.cfg.host, static_cast<Poco::UInt16>(want)), true);
    server_->listen(64);
    port_ = server_->address().port();
    running_ = true;
    acceptThread_ = std::thread([this] { acceptLoop(); });
}

void Listener::acceptLoop() {
    while (running_) {
        try {
            if (!server_->poll(Poco::Timespan(0, 200000), Poco::Net::Socket::SELECT_READ)) {
                reap(false);
                continue;
            }
            Poco::Net::StreamSocket s = server_->acceptConnection();
            if (!running_) break;
            auto conn = std::make_shared<Connection>(inst_, s, services_);
            std::lock_guard lk(mu_);
            clients_.push_back(Client{conn, std::thread([conn] { conn->run(); })});
        } catch (const std::exception& e) {
            if (running_) spdlog::warn("[{}] accept failed: {}", inst_.cfg.name, e.what());
        }
    }
}

void Listener::reap(bool all) {
    std::list<Client> done;
    {
        std::lock_guard lk(mu_);
        for (auto it = clients_.begin(); it != clients_.end();) {
            if (all) it->conn->close();
            if (all || it->conn->finished()) {
                done.splice(done.end(), clients_, it++);
            } else {
                ++it;
            }
        }
    }
    for (auto& c : done)
        if (c.thread.joinable()) c.thread.join();
}

void Listener::stop() {
    if (!running_.exchange(false)) return;
    if (acceptThread_.joinable()) acceptThread_.join();
    try {
        server_->close();
    } catch (...) {
    }
    server_.reset();
    reap(true);
}

}  // namespace mssql_sim
