#include "journal_time.h"

#include <cctype>
#include <ctime>

#include <fmt/format.h>

namespace drkit {

std::string to_iso8601(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  constexpr std::int64_t kMaxMs = 253402300799999;  // 9999-12-31T23:59:59.999Z
  std::int64_t ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  if (ms < 0) ms = 0;
  if (ms > kMaxMs) ms = kMaxMs;
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

namespace {

// Reads exactly `width` digits at `pos`; advances `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t width, int& out) {
  if (pos + width > s.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < width; ++i) {
    char c = s[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = out * 10 + (c - '0');
  }
  pos += width;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> from_iso8601(std::string_view s) {
  std::size_t p = 0;
  std::tm tm{};
  int year, mon, day, hour, min, sec;
  if (!(digits(s, p, 4, year) && expect(s, p, '-') && digits(s, p, 2, mon) && expect(s, p, '-') &&
        digits(s, p, 2, day) && expect(s, p, 'T') && digits(s, p, 2, hour) && expect(s, p, ':') &&
        digits(s, p, 2, min) && expect(s, p, ':') && digits(s, p, 2, sec)))
    return std::nullopt;
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return std::nullopt;
  std::int64_t ms = 0;
  if (p < s.size() && s[p] == '.') {
    ++p;
    std::size_t n = 0;
    std::int64_t frac = 0;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p])) && n < 9) {
      frac = frac * 10 + (s[p++] - '0');
      ++n;
    }
    if (n == 0) return std::nullopt;
    while (n < 3) { frac *= 10; ++n; }
    while (n > 3) { frac /= 10; --n; }
    ms = frac;
  }
  if (!expect(s, p, 'Z') || p != s.size()) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  std::time_t secs = ::timegm(&tm);
  return std::chrono::system_clock::time_point(std::chrono::seconds(secs) + std::chrono::milliseconds(ms));
}

}  // namespace drkit
