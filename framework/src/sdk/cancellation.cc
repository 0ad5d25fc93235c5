#include "drkit/cancellation.hpp"

#include "drkit/errors.hpp"

namespace drkit {

std::string CancellationToken::reason() const {
  std::lock_guard lock(mu_);
  return reason_;
}

void CancellationToken::throw_if_cancelled() const {
  if (cancelled()) throw Cancelled();
}

bool CancellationToken::wait_for(std::chrono::milliseconds d) const {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return cancelled(); });
}

void CancellationToken::cancel(std::string reason) {
  {
    std::lock_guard lock(mu_);
    if (cancelled()) return;
    reason_ = std::move(reason);
    cancelled_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

}  // namespace drkit
