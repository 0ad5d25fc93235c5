#include "lsn.hpp"

#include <algorithm>

namespace drkit::sqlserver {

std::optional<Lsn> Lsn::parse(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (auto dot = text.find('.'); dot != std::string_view::npos) {
    std::string_view frac = text.substr(dot + 1);
    if (!std::all_of(frac.begin(), frac.end(), [](char c) { return c == '0'; })) return std::nullopt;
    text = text.substr(0, dot);
  }
  if (text.empty() || text.size() > 25) return std::nullopt;
  Uint128 v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return Lsn(v);
}

std::string Lsn::str() const {
  if (value_ == 0) return "0";
  std::string out;
  for (Uint128 v = value_; v != 0; v /= 10) out += static_cast<char>('0' + static_cast<int>(v % 10));
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace drkit::sqlserver
