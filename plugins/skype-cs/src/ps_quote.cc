#include "ps_quote.h"

#include <fmt/format.h>

#include "drkit/errors.hpp"

namespace drkit::skype_cs {

namespace {

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

// The byte length of a PowerShell single-quote character at `at` (ASCII ' or U+2018..U+201B
// encoded E2 80 98..9B), or 0.
std::size_t single_quote_len(std::string_view s, std::size_t at) {
  if (s[at] == '\'') return 1;
  if (at + 3 <= s.size() && static_cast<unsigned char>(s[at]) == 0xE2 &&
      static_cast<unsigned char>(s[at + 1]) == 0x80) {
    auto b = static_cast<unsigned char>(s[at + 2]);
    if (b >= 0x98 && b <= 0x9B) return 3;
  }
  return 0;
}

[[noreturn]] void invalid(std::string_view param, std::string_view value, std::string_view rule) {
  // The value is shown quoted so invisible characters are at least delimited.
  std::string shown;
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F)
      shown += fmt::format("\\x{:02x}", u);
    else
      shown.push_back(c);
  }
  throw ConfigError(fmt::format("{}: '{}' is not valid: {}", param, shown, rule));
}

}  // namespace

std::string ps_quote(std::string_view value) {
  std::string out = "'";
  std::size_t i = 0;
  while (i < value.size()) {
    if (std::size_t q = single_quote_len(value, i)) {
      out.append(value.substr(i, q));
      out.append(value.substr(i, q));
      i += q;
    } else {
      out.push_back(value[i]);
      ++i;
    }
  }
  out.push_back('\'');
  return out;
}

void validate_single_line(std::string_view param, std::string_view value) {
  std::size_t i = 0;
  while (i < value.size()) {
    auto b = static_cast<unsigned char>(value[i]);
    if (b < 0x20 || b == 0x7F)
      invalid(param, value, "control characters (newline, tab, NUL...) are not allowed");
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > value.size()) invalid(param, value, "it is not valid UTF-8");
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(value[i + k]) & 0xC0) != 0x80)
        invalid(param, value, "it is not valid UTF-8");
    if (len == 2 && b == 0xC2 && static_cast<unsigned char>(value[i + 1]) == 0x85)
      invalid(param, value, "line separators are not allowed");
    if (len == 3 && b == 0xE2 && static_cast<unsigned char>(value[i + 1]) == 0x80) {
      auto c = static_cast<unsigned char>(value[i + 2]);
      if (c == 0xA8 || c == 0xA9) invalid(param, value, "line separators are not allowed");
    }
    i += len;
  }
}

void validate_fqdn(std::string_view param, std::string_view value) {
  constexpr const char* kRule =
      "expected a DNS name such as pchat.contoso.com (letters, digits and '-' in dot-separated "
      "labels of 1 to 63 characters)";
  if (value.empty() || value.size() > 253) invalid(param, value, kRule);
  std::size_t start = 0;
  while (true) {
    std::size_t dot = value.find('.', start);
    std::string_view label = value.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      invalid(param, value, kRule);
    for (char c : label)
      if (!is_alnum(c) && c != '-') invalid(param, value, kRule);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
}

void validate_identity(std::string_view param, std::string_view value) {
  constexpr const char* kRule =
      "expected an identity such as service:PersistentChatServer:pchat.contoso.com or global "
      "(letters, digits, spaces and : . _ - / @; at most 256 characters)";
  if (value.empty() || value.size() > 256 || value.front() == ' ' || value.back() == ' ')
    invalid(param, value, kRule);
  for (char c : value)
    if (!is_alnum(c) && c != ':' && c != '.' && c != '_' && c != '-' && c != '/' && c != '@' &&
        c != ' ')
      invalid(param, value, kRule);
}

void validate_sql_instance(std::string_view param, std::string_view value) {
  constexpr const char* kRule =
      "expected a SQL Server instance name (1 to 16 letters, digits, _ $ #)";
  if (value.empty() || value.size() > 16) invalid(param, value, kRule);
  for (char c : value)
    if (!is_alnum(c) && c != '_' && c != '$' && c != '#') invalid(param, value, kRule);
}

void validate_unc_path(std::string_view param, std::string_view value) {
  validate_single_line(param, value);
  constexpr const char* kRule = "expected a UNC path such as \\\\fileserver\\pchat-logs";
  if (value.size() < 5 || value.substr(0, 2) != "\\\\") invalid(param, value, kRule);
  std::size_t slash = value.find('\\', 2);
  if (slash == std::string_view::npos || slash == 2 || slash + 1 >= value.size())
    invalid(param, value, kRule);
  for (char c : value.substr(2, slash - 2))
    if (!is_alnum(c) && c != '-' && c != '.' && c != '_') invalid(param, value, kRule);
}

void validate_cmdlet_name(std::string_view param, std::string_view value) {
  constexpr const char* kRule = "expected a cmdlet name Verb-Noun such as Get-CsPool";
  std::size_t dash = value.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 >= value.size() || value.size() > 100)
    invalid(param, value, kRule);
  for (std::size_t i = 0; i < value.size(); ++i)
    if (i != dash && !is_alnum(value[i])) invalid(param, value, kRule);
  if (!is_alpha(value[0])) invalid(param, value, kRule);
}

void validate_name(std::string_view param, std::string_view value) {
  constexpr const char* kRule = "expected a name of letters and digits starting with a letter";
  if (value.empty() || value.size() > 100 || !is_alpha(value[0])) invalid(param, value, kRule);
  for (char c : value)
    if (!is_alnum(c)) invalid(param, value, kRule);
}

void validate_module_import(std::string_view param, std::string_view value) {
  if (value.empty()) return;
  validate_single_line(param, value);
  constexpr const char* kRule =
      "expected \"Import-Module SkypeForBusiness\", \"Import-Module Lync\" or "
      "\"Import-Module 'C:\\path\\Module.psd1'\" (or empty for no import)";
  constexpr std::string_view kPrefix = "Import-Module ";
  if (value.substr(0, kPrefix.size()) != kPrefix) invalid(param, value, kRule);
  std::string_view rest = value.substr(kPrefix.size());
  if (rest.empty()) invalid(param, value, kRule);
  if (rest.front() == '\'') {
    if (rest.size() < 3 || rest.back() != '\'') invalid(param, value, kRule);
    for (std::size_t i = 1; i + 1 < rest.size(); ++i)
      if (single_quote_len(rest, i)) invalid(param, value, kRule);
    return;
  }
  for (char c : rest)
    if (!is_alnum(c) && c != '.' && c != '_' && c != '-') invalid(param, value, kRule);
}

}  // namespace drkit::skype_cs
