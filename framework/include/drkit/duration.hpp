// Durations as the manifest writes them: "250ms", "5s", "2m", "1h30m", "1d", or a bare
// integer number of seconds.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "drkit/export.hpp"

namespace drkit {

using Duration = std::chrono::milliseconds;

// Returns nullopt when `text` is not a duration (empty, unknown unit, units not from the
// largest down or repeated, negative, overflow).
DRKIT_API std::optional<Duration> parse_duration(std::string_view text);

// The shortest exact form: 90000ms -> "1m30s", 250ms -> "250ms", 0 -> "0s".
DRKIT_API std::string format_duration(Duration d);

}  // namespace drkit
