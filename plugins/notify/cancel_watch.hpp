// CancelWatch: unblocks socket I/O when the notification is cancelled or an attempt overruns.
//
// Poco's blocking calls (connect, the TLS handshake, reading a reply) only return on their
// own per-call timeout, and a TLS handshake or an SMTP dialogue makes many calls. The engine
// cancels a notifier at the delivery deadline, so a watcher thread polls the token and the
// attempt's deadline and, once either fires, shuts the watched socket down: the blocked call
// then fails at once. The caller asks expired() to tell an overrun (a timeout) from a
// cancellation (the token) or a real network error.
//
// The watcher holds its own duplicate of the descriptor: shutdown() acts on the socket, so it
// unblocks the owner's calls, and the owner may close its descriptor at any time without the
// watcher ever touching a closed (or reused) number.
//
// Thread-safety: watch()/unwatch()/expired() are called by the notifying thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "drkit/cancellation.hpp"

namespace drkit::notify {

class CancelWatch {
 public:
  using Clock = std::chrono::steady_clock;

  explicit CancelWatch(const CancellationToken& token);
  ~CancelWatch();
  CancelWatch(const CancelWatch&) = delete;
  CancelWatch& operator=(const CancelWatch&) = delete;

  // Shuts the socket `fd` down if the token is (or becomes) cancelled, or `deadline` passes,
  // while it is watched.
  void watch(int fd, Clock::time_point deadline);
  void unwatch();
  // True when the last watch() ended because its deadline passed.
  bool expired();

  // Scoped watch() for one attempt of at most `limit`.
  class Scope {
   public:
    Scope(CancelWatch& w, int fd, std::chrono::milliseconds limit) : w_(w) {
      w_.watch(fd, Clock::now() + limit);
    }
    ~Scope() { w_.unwatch(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    CancelWatch& w_;
  };

 private:
  void loop();
  void fire_locked();

  const CancellationToken& token_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;              // guarded by mu_
  int fd_ = -1;                    // our duplicate; guarded by mu_
  Clock::time_point deadline_{};   // guarded by mu_
  bool expired_ = false;           // guarded by mu_
  std::thread thread_;
};

}  // namespace drkit::notify
