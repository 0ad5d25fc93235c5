#include "cancel_watch.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

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

void CancelWatch::watch(int fd) {
  std::lock_guard lk(mu_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd >= 0 ? ::fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
  if (token_.cancelled() && fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void CancelWatch::unwatch() {
  std::lock_guard lk(mu_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void CancelWatch::loop() {
  std::unique_lock lk(mu_);
  while (!stop_) {
    if (token_.cancelled()) {
      if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    }
    cv_.wait_for(lk, kPoll, [this] { return stop_; });
  }
}

}  // namespace drkit::notify
