// MailMessage composition: RFC 5322 headers and a MIME body, ready for SMTP DATA.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "mail_address.hpp"

namespace drkit::notify {

struct MailContent {
  MailAddress from;
  std::vector<MailAddress> to;
  std::vector<MailAddress> cc;
  std::string subject;  // UTF-8; encoded by compose_message
  std::string text;     // the text/plain body, UTF-8
  std::string html;     // the text/html alternative; empty: text only
  std::string message_id;  // "<...@domain>"
  std::chrono::system_clock::time_point date = std::chrono::system_clock::now();
  // Extra ASCII headers ("X-Drkit-Run"), written after the standard ones.
  std::vector<std::pair<std::string, std::string>> extra_headers = {};
};

// The whole message with CRLF line ends: Date, From, To, Cc, Subject (RFC 2047 when not
// ASCII), Message-ID, MIME-Version, then multipart/alternative (text, then HTML) or a single
// text/plain part. Bodies are UTF-8 in base64, so no line is longer than 76 characters.
std::string compose_message(const MailContent& mail);

// "<7f3a...@contoso.com>": 128 random bits, unique per call.
std::string make_message_id(const std::string& domain);

// RFC 5322 date in UTC: "Mon, 23 Nov 2026 14:15:03 +0000".
std::string format_mail_date(std::chrono::system_clock::time_point t);

}  // namespace drkit::notify
