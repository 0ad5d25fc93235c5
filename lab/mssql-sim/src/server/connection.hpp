// One client connection: PRELOGIN/LOGIN7, then requests. A reader thread keeps reading the
// socket while a statement runs, so ATTENTION is seen at once (FreeTDS drops the connection
// if a query timeout's ATTENTION goes unanswered).
#pragma once

#include "engine/context.hpp"
#include "engine/executor.hpp"
#include "tds/packet.hpp"

#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

namespace mssql_sim {

class Instance;
class TdsSink;

class Connection {
public:
    Connection(Instance& inst, Poco::Net::StreamSocket socket, Services services);
    ~Connection();
    void run();    // returns when the client disconnects or the session is killed
    void close();  // from other threads: KILL, instance stop
    bool finished() const { return finished_.load(); }

private:
    struct Prepared {
        std::string decls;
        std::string text;
    };
    bool handshake();
    void readerLoop();
    std::optional<tds::Message> nextMessage();
    void handleBatch(const tds::Message& m, TdsSink& sink, Executor& ex);
    void handleRpc(const tds::Message& m, TdsSink& sink, Executor& ex);
    void unsupported(const tds::Message& m, TdsSink& sink);
    void endSession();

    Instance& inst_;
    Poco::Net::StreamSocket sock_;
    Services services_;
    tds::PacketReader reader_;
    tds::PacketWriter writer_;
    std::uint32_t version_ = 0;
    Session session_;
    std::string peer_;

    std::thread readerThread_;
    std::mutex qmu_;
    std::condition_variable qcv_;
    std::deque<tds::Message> queue_;
    bool eof_ = false;
    std::atomic<bool> attention_{false};
    bool attnAcked_ = false;
    std::atomic<bool> closed_{false};
    std::atomic<bool> finished_{false};

    std::map<int, Prepared> prepared_;
    int nextHandle_ = 1;
};

}  // namespace mssql_sim
