#include "tsql_quote.hpp"

#include <fmt/format.h>

#include "drkit/errors.hpp"

namespace drkit::sqlserver {

namespace {

std::string doubled(std::string_view text, char quote) {
  std::string out;
  out.reserve(text.size() + 2);
  for (char c : text) {
    out += c;
    if (c == quote) out += c;
  }
  return out;
}

}  // namespace

std::string quote_name(std::string_view name) { return "[" + doubled(name, ']') + "]"; }

std::string quote_literal(std::string_view text) { return "N'" + doubled(text, '\'') + "'"; }

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > text.size()) return std::string_view::npos;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return std::string_view::npos;
    i += len;
  }
  return count;
}

void validate_name(std::string_view name, std::string_view what) {
  if (name.empty()) throw ConfigError(fmt::format("{}: a SQL Server name cannot be empty", what));
  std::size_t chars = utf8_length(name);
  if (chars == std::string_view::npos)
    throw ConfigError(fmt::format("{}: the name is not valid UTF-8", what));
  if (chars > 128)
    throw ConfigError(fmt::format("{}: '{}...' has {} characters; SQL Server names have at most 128",
                                  what, name.substr(0, 32), chars));
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
      throw ConfigError(fmt::format(
          "{}: the name contains a control character (code {}); remove it", what,
          static_cast<int>(static_cast<unsigned char>(c))));
  }
}

void validate_literal(std::string_view text, std::string_view what, std::size_t max_chars) {
  std::size_t chars = utf8_length(text);
  if (chars == std::string_view::npos)
    throw ConfigError(fmt::format("{}: the value is not valid UTF-8", what));
  if (chars > max_chars)
    throw ConfigError(fmt::format("{}: {} characters is longer than the limit of {}", what, chars,
                                  max_chars));
  if (text.find('\0') != std::string_view::npos)
    throw ConfigError(fmt::format("{}: the value contains a NUL character", what));
}

}  // namespace drkit::sqlserver
