// Cooperative cancellation of a running step.
//
// The engine cancels a step on SIGINT/SIGTERM and when its `timeout` expires. A step checks
// the token between units of work (each file, each statement) and uses wait_for() instead
// of sleeping, so it stops promptly at a safe point. A step that ignores the token is not
// wrong, only slow to stop: after a grace period the engine kills the child processes the
// step started through drkit::run_process.
//
// Thread-safety: all members may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "drkit/export.hpp"

namespace drkit {

class DRKIT_API CancellationToken {
 public:
  CancellationToken() = default;
  CancellationToken(const CancellationToken&) = delete;
  CancellationToken& operator=(const CancellationToken&) = delete;

  bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }
  // Why it was cancelled: "interrupted by SIGINT", "timed out after 2m". Empty if not.
  std::string reason() const;
  // Throws drkit::Cancelled if cancelled.
  void throw_if_cancelled() const;
  // Sleeps up to `d`; returns false early if cancelled (true if the full time elapsed).
  bool wait_for(std::chrono::milliseconds d) const;

  // Called by the engine. The first reason wins.
  void cancel(std::string reason);

 private:
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::string reason_;
};

}  // namespace drkit
