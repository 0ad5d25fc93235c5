#include "mail_message.hpp"

#include <ctime>
#include <random>
#include <sstream>

#include <Poco/Base64Encoder.h>
#include <fmt/format.h>

#include "header_encoding.hpp"

namespace drkit::notify {
namespace {

std::string random_hex(std::size_t bytes) {
  std::random_device rd;
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) out += fmt::format("{:02x}", rd() & 0xFF);
  return out;
}

std::string base64_lines(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out);
  enc.rdbuf()->setLineLength(76);  // Poco ends each line with CRLF
  enc << bytes;
  enc.close();
  return out.str() + "\r\n";
}

std::string address_list(const std::vector<MailAddress>& list) {
  std::string out;
  for (const auto& a : list) {
    if (!out.empty()) out += ",\r\n ";  // one mailbox per folded line keeps lines short
    out += format_mail_address(a);
  }
  return out;
}

std::string part(const std::string& content_type, const std::string& body) {
  return fmt::format("Content-Type: {}; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
                     content_type, base64_lines(body));
}

}  // namespace

std::string compose_message(const MailContent& mail) {
  std::string m;
  m += "Date: " + format_mail_date(mail.date) + "\r\n";
  m += "From: " + format_mail_address(mail.from) + "\r\n";
  if (!mail.to.empty()) m += "To: " + address_list(mail.to) + "\r\n";
  if (!mail.cc.empty()) m += "Cc: " + address_list(mail.cc) + "\r\n";
  m += "Subject: " + encode_unstructured(mail.subject) + "\r\n";
  m += "Message-ID: " + mail.message_id + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  for (const auto& [name, value] : mail.extra_headers)
    m += name + ": " + encode_unstructured(value) + "\r\n";
  if (mail.html.empty()) {
    m += part("text/plain", mail.text);
    return m;
  }
  auto boundary = "=_drkit_" + random_hex(12);
  m += fmt::format("Content-Type: multipart/alternative;\r\n boundary=\"{}\"\r\n\r\n", boundary);
  m += "This is a MIME message with a text and an HTML version.\r\n";
  // Readers show the last alternative they understand: plain text first, HTML last.
  m += "--" + boundary + "\r\n" + part("text/plain", mail.text);
  m += "--" + boundary + "\r\n" + part("text/html", mail.html);
  m += "--" + boundary + "--\r\n";
  return m;
}

std::string make_message_id(const std::string& domain) {
  return fmt::format("<{}.drkit@{}>", random_hex(16), domain);
}

std::string format_mail_date(std::chrono::system_clock::time_point t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{}, {:02d} {} {} {:02d}:{:02d}:{:02d} +0000", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace drkit::notify
