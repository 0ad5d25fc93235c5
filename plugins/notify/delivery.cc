#include "delivery.hpp"

#include <algorithm>
#include <charconv>
#include <regex>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <fmt/format.h>

#include "drkit/errors.hpp"

namespace drkit::notify {

DeliveryOptions DeliveryOptions::from(const Params& params) {
  DeliveryOptions o;
  if (params.has("timeout")) o.timeout = params.duration("timeout");
  o.attempts = static_cast<int>(params.integer_or("attempts", o.attempts));  // 1..20 (the spec)
  if (params.has("retry_delay")) o.retry_delay = params.duration("retry_delay");
  if (params.has("max_retry_delay")) o.max_retry_delay = params.duration("max_retry_delay");
  if (o.timeout.count() <= 0)
    throw ConfigError("timeout: must be more than 0; a typical value is \"10s\"");
  return o;
}

std::vector<ParamSpec> DeliveryOptions::param_specs() {
  return {
      {.name = "timeout", .type = ParamType::duration, .default_value = "10s",
       .description = "The longest one attempt may take, from connect to the server's final "
                      "answer (TLS handshake and the whole SMTP dialogue included)."},
      {.name = "attempts", .type = ParamType::integer, .default_value = 3,
       .description = "Delivery attempts in all (1 = no retry), within one notify call. Connection "
                      "errors, timeouts, HTTP 429/5xx and SMTP 4xx replies are retried.",
       .minimum = 1, .maximum = 20},
      {.name = "retry_delay", .type = ParamType::duration, .default_value = "1s",
       .description = "Wait before the second attempt; doubles for each further attempt."},
      {.name = "max_retry_delay", .type = ParamType::duration, .default_value = "30s",
       .description = "Longest wait between attempts. A server asking (Retry-After) for longer "
                      "ends the delivery with an error instead of waiting."},
  };
}

Duration backoff_delay(const DeliveryOptions& options, int next) {
  auto d = options.retry_delay;
  for (int i = 2; i < next && d < options.max_retry_delay; ++i) d *= 2;
  return std::min(d, options.max_retry_delay);
}

void deliver(Context& ctx, const DeliveryOptions& options, std::string_view what,
             const std::function<std::optional<AttemptFailure>(int attempt)>& attempt) {
  const auto& token = ctx.cancellation();
  for (int n = 1;; ++n) {
    token.throw_if_cancelled();
    auto failure = attempt(n);
    if (!failure) {
      if (n > 1) ctx.log().info(fmt::format("{}: delivered on attempt {} of {}", what, n, options.attempts));
      return;
    }
    token.throw_if_cancelled();
    auto give_up = [&](const std::string& why) {
      throw StepError(fmt::format("{}: {}{}", what, failure->message, why),
                      failure->retryable ? Retryable::yes : Retryable::no, failure->code);
    };
    if (!failure->retryable) give_up("");
    if (n >= options.attempts) give_up(fmt::format(" (gave up after {} attempts)", n));
    auto wait = backoff_delay(options, n + 1);
    std::string why = "";
    if (failure->retry_after) {
      if (*failure->retry_after > options.max_retry_delay)
        give_up(fmt::format(" (the server asked to retry after {}, more than max_retry_delay {})",
                            format_duration(*failure->retry_after),
                            format_duration(options.max_retry_delay)));
      wait = std::max(wait, *failure->retry_after);
      why = " (Retry-After)";
    }
    ctx.log().warn(fmt::format("{}: attempt {} of {} failed: {}; retrying in {}{}", what, n,
                               options.attempts, failure->message, format_duration(wait), why));
    if (!token.wait_for(wait)) token.throw_if_cancelled();
  }
}

std::optional<Duration> parse_retry_after(std::string_view value,
                                          std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  long long secs = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
  if (ec == std::errc() && end == value.data() + value.size())
    return secs < 0 ? std::nullopt : std::optional<Duration>(std::chrono::seconds(std::min(secs, 86400LL * 365)));
  // IMF-fixdate only ("Sun, 06 Nov 1994 08:49:37 GMT"): Poco's parser accepts almost anything.
  static const std::regex kHttpDate(
      R"([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)");
  if (!std::regex_match(value.begin(), value.end(), kHttpDate)) return std::nullopt;
  try {
    int tz = 0;
    Poco::DateTime dt = Poco::DateTimeParser::parse(Poco::DateTimeFormat::HTTP_FORMAT,
                                                    std::string(value), tz);
    dt.makeUTC(tz);
    auto at = std::chrono::system_clock::time_point(
        std::chrono::microseconds(dt.timestamp().epochMicroseconds()));
    if (at <= now) return Duration(0);
    return std::chrono::duration_cast<Duration>(at - now);
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

}  // namespace drkit::notify
