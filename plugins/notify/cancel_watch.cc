#include "cancel_watch.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace drkit::notify {
namespace {
// How often the watcher looks at the token: the token has no way to wake us, and 20 ms is
// far below any delivery deadline.
constexpr std::chrono::milliseconds kPoll{20};
}  // namespace

CancelWatch::CancelWatch(const CancellationToken& token) : token_(token) {
  thread_ = std::thread([this] { loop(); });
}

CancelWatch::~CancelWatch() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  cv_.notify_all();
  thread_.join();
}

void CancelWatch::watch(int fd, Clock::time_point deadline) {
  std::lock_guard lk(mu_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd >= 0 ? ::fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
  deadline_ = deadline;
  expired_ = false;
  fire_locked();
}

void CancelWatch::unwatch() {
  std::lock_guard lk(mu_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool CancelWatch::expired() {
  std::lock_guard lk(mu_);
  return expired_;
}

void CancelWatch::fire_locked() {
  if (fd_ < 0) return;
  bool overrun = Clock::now() >= deadline_;
  if (token_.cancelled() || overrun) {
    ::shutdown(fd_, SHUT_RDWR);
    if (overrun && !token_.cancelled()) expired_ = true;
    // Once is enough: the socket stays shut down; stop watching it.
    ::close(fd_);
    fd_ = -1;
  }
}

void CancelWatch::loop() {
  std::unique_lock lk(mu_);
  while (!stop_) {
    fire_locked();
    cv_.wait_for(lk, kPoll, [this] { return stop_; });
  }
}

}  // namespace drkit::notify
