// SIGINT/SIGTERM handling for runs: the first signal interrupts the engine at the next
// safe point (exit 4, resumable); a second one stops hard (children killed).
#pragma once

#include <functional>
#include <thread>

#include "engine.h"

namespace drkit::cli {

class SignalGuard {
 public:
  // Blocks SIGINT/SIGTERM in every thread started after this, and handles them on a
  // dedicated thread that calls `engine`, then `also_interrupt` (e.g. a gate prompt that
  // is waiting for a line, which the engine cannot reach).
  explicit SignalGuard(Engine& engine, std::function<void()> also_interrupt = {});
  ~SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

 private:
  std::thread thread_;
  int wake_fd_[2] = {-1, -1};
};

}  // namespace drkit::cli
