// A sigwait thread instead of a handler: the engine's interrupt() takes locks, which a
// signal handler must not.
#include "signals.h"

#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

namespace drkit::cli {

SignalGuard::SignalGuard(Engine& engine, std::function<void()> also_interrupt) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // used to wake the thread at exit
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([&engine, set, also_interrupt = std::move(also_interrupt)] {
    int count = 0;
    while (true) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (sig == SIGUSR1) return;
      ++count;
      const char* name = sig == SIGINT ? "SIGINT" : "SIGTERM";
      if (count == 1) {
        fmt::print(stderr, "\ndrkit: {} received: stopping at the next safe point (again to stop hard)\n", name);
        engine.interrupt(fmt::format("interrupted by {}", name));
        if (also_interrupt) also_interrupt();
      } else {
        fmt::print(stderr, "\ndrkit: stopping hard\n");
        engine.hard_stop();
      }
    }
  });
}

SignalGuard::~SignalGuard() {
  pthread_kill(thread_.native_handle(), SIGUSR1);
  thread_.join();
}

}  // namespace drkit::cli
