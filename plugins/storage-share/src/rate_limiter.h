// RateLimiter: paces the copies so that, together, they move at most N bytes per second
// (to spare a WAN link during business hours).
//
// Thread-safety: acquire() may be called from every copy thread at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

#include "drkit/cancellation.hpp"

namespace drkit::storage_share {

class RateLimiter {
 public:
  // 0 = unlimited: acquire() returns at once.
  explicit RateLimiter(std::uint64_t bytes_per_second) : rate_(bytes_per_second) {}

  bool limited() const { return rate_ > 0; }
  // The largest chunk worth sending at once: a tenth of a second's worth (at least 64 KiB).
  std::uint64_t chunk_limit(std::uint64_t preferred) const;
  // Waits until `bytes` more may be sent. Returns false if cancelled while waiting.
  bool acquire(std::uint64_t bytes, const CancellationToken& cancel);

 private:
  const std::uint64_t rate_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point next_{};  // guarded by mu_
};

}  // namespace drkit::storage_share
