#include "rate_limiter.h"

#include <algorithm>

namespace drkit::storage_share {

std::uint64_t RateLimiter::chunk_limit(std::uint64_t preferred) const {
  if (rate_ == 0) return preferred;
  return std::min(preferred, std::max<std::uint64_t>(64 * 1024, rate_ / 10));
}

bool RateLimiter::acquire(std::uint64_t bytes, const CancellationToken& cancel) {
  if (rate_ == 0) return true;
  using namespace std::chrono;
  auto cost = duration_cast<steady_clock::duration>(duration<double>(static_cast<double>(bytes) /
                                                                     static_cast<double>(rate_)));
  steady_clock::time_point start;
  {
    std::lock_guard lock(mu_);
    auto now = steady_clock::now();
    // An idle limiter does not bank credit beyond the present moment.
    start = std::max(now, next_);
    next_ = start + cost;
  }
  auto wait = duration_cast<milliseconds>(start - steady_clock::now());
  if (wait.count() > 0) return cancel.wait_for(wait);
  return !cancel.cancelled();
}

}  // namespace drkit::storage_share
