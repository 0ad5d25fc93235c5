// CancelWatch: unblocks socket I/O when the notification is cancelled.
//
// Poco's blocking calls (connect, the TLS handshake, reading a reply) only return on their
// own timeout. The engine cancels a notifier at the delivery deadline, so a watcher thread
// polls the token and, once it is cancelled, shuts the watched socket down: the blocked call
// then fails at once and the notifier throws drkit::Cancelled.
//
// The watcher holds its own duplicate of the descriptor: shutdown() acts on the socket, so it
// unblocks the owner's calls, and the owner may close its descriptor at any time without the
// watcher ever touching a closed (or reused) number.
//
// Thread-safety: watch()/unwatch() are called by the notifying thread.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "drkit/cancellation.hpp"

namespace drkit::notify {

class CancelWatch {
 public:
  explicit CancelWatch(const CancellationToken& token);
  ~CancelWatch();
  CancelWatch(const CancelWatch&) = delete;
  CancelWatch& operator=(const CancelWatch&) = delete;

  // Shuts the socket `fd` down if the token is (or becomes) cancelled while it is watched.
  void watch(int fd);
  void unwatch();

  // Scoped watch(): declare it after the socket so it ends first.
  class Scope {
   public:
    Scope(CancelWatch& w, int fd) : w_(w) { w_.watch(fd); }
    ~Scope() { w_.unwatch(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    CancelWatch& w_;
  };

 private:
  void loop();

  const CancellationToken& token_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  int fd_ = -1;        // our duplicate; guarded by mu_
  std::thread thread_;
};

}  // namespace drkit::notify
