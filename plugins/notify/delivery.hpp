// Bounded delivery: the attempts, backoff and Retry-After handling every notifier shares.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drkit/context.hpp"
#include "drkit/duration.hpp"
#include "drkit/spec.hpp"

namespace drkit::notify {

struct DeliveryOptions {
  // The longest one attempt may take, from connect to the final answer. Default 10s.
  Duration timeout{10'000};
  // Attempts in all, including the first. Default 3, at least 1.
  int attempts = 3;
  // Wait before the second attempt; doubles each time, capped at max_retry_delay.
  Duration retry_delay{1'000};
  // Longest wait between attempts, including a server's Retry-After. Default 30s.
  Duration max_retry_delay{30'000};

  static DeliveryOptions from(const Params& params);
  // The spec entries for the fields above, appended to each notifier's spec.
  static std::vector<ParamSpec> param_specs();
};

// One failed attempt, as the notifier saw it.
struct AttemptFailure {
  std::string message;     // the server's own words: "451 4.3.0 mailbox busy", "HTTP 500 ..."
  bool retryable = false;  // another attempt may succeed
  std::string code;        // "notify.http.500", "notify.smtp.535", "notify.timeout"
  std::optional<Duration> retry_after = {};  // the server asked to wait this long
};

// Runs `attempt` (numbered from 1) until it returns nullopt (delivered), fails for good, or
// the attempts run out. Waits between attempts with the cancellation token, so a cancelled
// delivery stops at once. Logs each retry at warn level as "<what>: attempt 1 of 3 failed:
// ...; retrying in 2s".
// Throws drkit::StepError with the last failure (its message, code, retryable flag), or
// drkit::Cancelled when the token is cancelled.
void deliver(Context& ctx, const DeliveryOptions& options, std::string_view what,
             const std::function<std::optional<AttemptFailure>(int attempt)>& attempt);

// The wait before attempt `next` (2, 3, ...): retry_delay * 2^(next-2), capped.
Duration backoff_delay(const DeliveryOptions& options, int next);

// Parses an HTTP Retry-After value: delta-seconds ("120") or an HTTP-date. nullopt when it
// is neither; a date in the past gives 0.
std::optional<Duration> parse_retry_after(std::string_view value,
                                          std::chrono::system_clock::time_point now);

}  // namespace drkit::notify
