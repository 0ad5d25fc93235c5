#include "drkit/duration.hpp"

#include <cctype>
#include <limits>

namespace drkit {

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool all_digits = true;
  for (char c : text) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  std::string owned(text);
  if (all_digits) owned += "s";  // a bare integer is seconds
  std::int64_t total = 0;
  // Units go from the largest down, each once ("1h30m", not "30m1h" or "1m1m"): anything
  // else is more likely a typo than a duration.
  std::int64_t previous_unit = std::numeric_limits<std::int64_t>::max();
  std::size_t i = 0;
  while (i < owned.size()) {
    if (!std::isdigit(static_cast<unsigned char>(owned[i]))) return std::nullopt;
    std::int64_t n = 0;
    while (i < owned.size() && std::isdigit(static_cast<unsigned char>(owned[i]))) {
      if (n > std::numeric_limits<std::int64_t>::max() / 100) return std::nullopt;
      n = n * 10 + (owned[i++] - '0');
    }
    std::size_t u = i;
    while (i < owned.size() && std::isalpha(static_cast<unsigned char>(owned[i]))) ++i;
    std::string_view unit(owned.data() + u, i - u);
    std::int64_t ms;
    if (unit == "ms") ms = 1;
    else if (unit == "s") ms = 1000;
    else if (unit == "m") ms = 60'000;
    else if (unit == "h") ms = 3'600'000;
    else if (unit == "d") ms = 86'400'000;
    else return std::nullopt;
    if (ms >= previous_unit) return std::nullopt;
    previous_unit = ms;
    if (n > std::numeric_limits<std::int64_t>::max() / ms - total / ms) return std::nullopt;
    total += n * ms;
  }
  return Duration(total);
}

std::string format_duration(Duration d) {
  std::int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) { out = "-"; ms = -ms; }
  const std::pair<std::int64_t, const char*> units[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
  for (auto [size, name] : units) {
    if (ms >= size) {
      out += std::to_string(ms / size) + name;
      ms %= size;
    }
  }
  return out;
}

}  // namespace drkit
