// Journal times: ISO 8601 UTC with milliseconds, "2026-11-23T14:15:03.120Z".
//
// Fixed width, so text order is time order (the journal sorts on these columns) and an
// operator reading journal.db with the sqlite3 shell sees the same times as the report.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace drkit {

// Times before 1970 or after 9999 are clamped to those bounds (never produced by a clock).
std::string to_iso8601(std::chrono::system_clock::time_point t);

// Parses what to_iso8601 writes (also accepts no fraction, or 1-9 fraction digits).
// Returns nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> from_iso8601(std::string_view text);

}  // namespace drkit
