#include "mail_address.hpp"

#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "header_encoding.hpp"

namespace drkit::notify {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool valid_address(std::string_view a) {
  auto at = a.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == a.size()) return false;
  if (a.find('@', at + 1) != std::string_view::npos) return false;
  for (char c : a) {
    auto u = static_cast<unsigned char>(c);
    // No spaces, controls, or characters that would end the <...> or the SMTP command.
    if (u <= 0x20 || u == 0x7F || c == '<' || c == '>' || c == ',' || c == '"') return false;
  }
  return true;
}

}  // namespace

MailAddress parse_mail_address(std::string_view text, std::string_view param) {
  auto bad = [&](std::string_view why) {
    return ConfigError(fmt::format("{}: '{}' is not a mail address ({}); write "
                                   "'ops@contoso.com' or 'Ops Team <ops@contoso.com>'",
                                   param, text, why));
  };
  if (text.find_first_of("\r\n") != std::string_view::npos) throw bad("line break");
  MailAddress out;
  auto s = trim(text);
  auto lt = s.find('<');
  if (lt == std::string_view::npos) {
    out.address = std::string(s);
  } else {
    auto gt = s.find('>', lt);
    if (gt == std::string_view::npos) throw bad("missing '>'");
    if (!trim(s.substr(gt + 1)).empty()) throw bad("text after '>'");
    out.address = std::string(trim(s.substr(lt + 1, gt - lt - 1)));
    auto name = trim(s.substr(0, lt));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
      name = name.substr(1, name.size() - 2);
    out.display_name = std::string(name);
  }
  if (!valid_address(out.address)) throw bad("expected local@domain without spaces");
  return out;
}

std::string format_mail_address(const MailAddress& mailbox) {
  if (mailbox.display_name.empty()) return mailbox.address;
  return fmt::format("{} <{}>", encode_phrase(mailbox.display_name), mailbox.address);
}

std::string mail_domain(const MailAddress& mailbox) {
  return mailbox.address.substr(mailbox.address.find('@') + 1);
}

}  // namespace drkit::notify
