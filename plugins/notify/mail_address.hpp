// MailAddress: one mailbox of a From, To or Cc header ("Ops <ops@contoso.com>").
#pragma once

#include <string>
#include <string_view>

namespace drkit::notify {

struct MailAddress {
  std::string display_name;  // UTF-8, may be empty
  std::string address;       // "ops@contoso.com"
};

// Parses "ops@contoso.com", "<ops@contoso.com>" or "Ops Team <ops@contoso.com>" (the name
// may be quoted). Throws drkit::ConfigError naming `param` when the text is not a mailbox:
// no '@', spaces or line breaks in the address, or characters after the '>'.
MailAddress parse_mail_address(std::string_view text, std::string_view param);

// The header form: the address alone, or the name (quoted, or RFC 2047-encoded when it is
// not ASCII) followed by <address>.
std::string format_mail_address(const MailAddress& mailbox);

// The part after the '@' ("contoso.com"), for Message-ID.
std::string mail_domain(const MailAddress& mailbox);

}  // namespace drkit::notify
