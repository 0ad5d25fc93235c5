// The notify plugin's pure parts: templates, RFC 2047 headers, MIME composition, addresses,
// backoff and Retry-After, HMAC, and the secret scrubber.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include <Poco/Base64Decoder.h>

#include "delivery.hpp"
#include "drkit/errors.hpp"
#include "event_template.hpp"
#include "header_encoding.hpp"
#include "hmac_signature.hpp"
#include "mail_address.hpp"
#include "mail_message.hpp"
#include "secret_scrubber.hpp"
#include "test_support.hpp"

namespace {

using namespace drkit::notify;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

std::string base64_decode(const std::string& s) {
  std::istringstream in(s);
  Poco::Base64Decoder dec(in);
  return std::string((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
}

// Decodes a header made of "=?UTF-8?B?...?=" words separated by folding whitespace.
std::string decode_words(const std::string& header) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = header.find("=?UTF-8?B?", pos)) != std::string::npos) {
    auto end = header.find("?=", pos + 10);
    out += base64_decode(header.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  return out;
}

TEST(EventTemplate, FillsFieldsAndBraces) {
  auto e = notify_test::failed_event();
  EventTemplate t("{{x}} {pipeline}/{step_id} {status} {data.attempt} {data.missing}|{duration}",
                  "subject");
  EXPECT_EQ(t.render(e), "{x} failover/restore-mgc failed 2 |12s");
  EXPECT_EQ(EventTemplate("{title}", "t").render(e), "failover: step restore-mgc failed");
  EXPECT_EQ(EventTemplate("{time}", "t").render(e).size(), 20u);
}

TEST(EventTemplate, HtmlEscapesValuesNotText) {
  auto e = notify_test::failed_event();
  e.message = "a<b & \"c\"";
  EXPECT_EQ(EventTemplate("<b>{message}</b>", "html_body").render(e, Escape::html),
            "<b>a&lt;b &amp; &quot;c&quot;</b>");
}

TEST(EventTemplate, RejectsUnknownFieldsAndStrayBraces) {
  EXPECT_THAT([] { EventTemplate("{rn_id}", "subject"); },
              ::testing::ThrowsMessage<drkit::ConfigError>(HasSubstr("subject: unknown placeholder {rn_id}")));
  EXPECT_THAT([] { EventTemplate("x {run_id", "body"); },
              ::testing::ThrowsMessage<drkit::ConfigError>(HasSubstr("body: unmatched '{' at offset 2")));
  EXPECT_THROW(EventTemplate("x } y", "body"), drkit::ConfigError);
}

TEST(Excerpt, CutsLinesAndCharactersOnCharacterBoundaries) {
  EXPECT_EQ(excerpt("a\nb\nc", 2, 100), "a\nb [...]");
  EXPECT_EQ(excerpt("short", 2, 100), "short");
  // "é" is two bytes: a cut after 2 bytes must not keep half of it.
  EXPECT_EQ(excerpt("aéb", 5, 2), "a [...]");
}

TEST(HeaderEncoding, AsciiStaysAndOtherTextIsEncodedInShortWords) {
  EXPECT_EQ(encode_unstructured("plain subject"), "plain subject");
  EXPECT_EQ(encode_unstructured("two\r\nlines"), "two  lines");  // no header injection
  std::string text;
  for (int i = 0; i < 30; ++i) text += "Basculement réussi ✓ ";
  auto h = encode_unstructured(text);
  std::istringstream lines(h);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line.front() == ' ') line.erase(0, 1);
    EXPECT_LE(line.size(), 75u) << line;
    EXPECT_THAT(line, ::testing::MatchesRegex("=\\?UTF-8\\?B\\?[A-Za-z0-9+/=]+\\?="));
    // Every word decodes to whole UTF-8 characters on its own.
    auto bytes = decode_words(line);
    ASSERT_FALSE(bytes.empty());
    EXPECT_NE(static_cast<unsigned char>(bytes[0]) & 0xC0, 0x80) << line;
  }
  EXPECT_EQ(decode_words(h), text);
  // ASCII that looks like an encoded word is encoded so readers do not decode it.
  EXPECT_EQ(decode_words(encode_unstructured("=?UTF-8?B?x?=")), "=?UTF-8?B?x?=");
}

TEST(MailAddress, ParsesFormsAndRejectsJunk) {
  auto a = parse_mail_address(" Ops Team <ops@contoso.com> ", "to[0]");
  EXPECT_EQ(a.display_name, "Ops Team");
  EXPECT_EQ(a.address, "ops@contoso.com");
  EXPECT_EQ(format_mail_address(a), "\"Ops Team\" <ops@contoso.com>");
  EXPECT_EQ(parse_mail_address("\"Lead, On Call\" <l@c.com>", "cc").display_name, "Lead, On Call");
  EXPECT_EQ(format_mail_address(parse_mail_address("ops@contoso.com", "to")), "ops@contoso.com");
  EXPECT_THAT(format_mail_address(parse_mail_address("Équipe <e@c.com>", "to")),
              ::testing::StartsWith("=?UTF-8?B?"));
  for (const char* bad : {"ops", "ops@", "a b@c.com", "<ops@c.com", "x <o@c.com> y", "o@c.com\r\nBcc: x@y"})
    EXPECT_THROW(parse_mail_address(bad, "to[0]"), drkit::ConfigError) << bad;
}

TEST(MailMessage, ComposesHeadersAndAlternativeParts) {
  MailContent m{.from = {"drkit", "drkit@contoso.com"},
                .to = {{"", "ops@contoso.com"}},
                .cc = {},
                .subject = "hello",
                .text = "text body",
                .html = "<p>html body</p>",
                .message_id = make_message_id("contoso.com")};
  auto s = compose_message(m);
  EXPECT_THAT(s, HasSubstr("\r\nSubject: hello\r\n"));
  EXPECT_THAT(s, HasSubstr("\r\nMessage-ID: " + m.message_id + "\r\n"));
  EXPECT_THAT(s, HasSubstr("Content-Type: multipart/alternative;\r\n boundary=\"=_drkit_"));
  EXPECT_LT(s.find("text/plain"), s.find("text/html"));
  // Only CRLF line ends, none longer than 78 characters.
  for (std::size_t i = 0, start = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      ASSERT_GT(i, 0u);
      EXPECT_EQ(s[i - 1], '\r') << "bare LF at " << i;
      EXPECT_LE(i - start, 79u);
      start = i + 1;
    }
  }
  EXPECT_NE(make_message_id("c.com"), make_message_id("c.com"));
}

TEST(MailMessage, DateIsRfc5322InUtc) {
  auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1795443303));  // 2026-11-23
  EXPECT_EQ(format_mail_date(t), "Mon, 23 Nov 2026 14:15:03 +0000");
}

TEST(Delivery, BackoffDoublesUpToTheCap) {
  DeliveryOptions o;
  o.retry_delay = 1s;
  o.max_retry_delay = 5s;
  EXPECT_EQ(backoff_delay(o, 2), 1s);
  EXPECT_EQ(backoff_delay(o, 3), 2s);
  EXPECT_EQ(backoff_delay(o, 4), 4s);
  EXPECT_EQ(backoff_delay(o, 5), 5s);
  EXPECT_EQ(backoff_delay(o, 20), 5s);
}

TEST(Delivery, ParsesRetryAfterSecondsAndDates) {
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1795443303));
  EXPECT_EQ(parse_retry_after("120", now), drkit::Duration(120'000));
  EXPECT_EQ(parse_retry_after(" 0 ", now), drkit::Duration(0));
  EXPECT_EQ(parse_retry_after("Mon, 23 Nov 2026 14:15:33 GMT", now), drkit::Duration(30'000));
  EXPECT_EQ(parse_retry_after("Mon, 23 Nov 2026 14:00:00 GMT", now), drkit::Duration(0));
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", now), std::nullopt);
}

TEST(Hmac, MatchesRfc4231) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(webhook_signature("Jefe", "what do ya want for nothing?").substr(0, 7), "sha256=");
}

TEST(SecretScrubber, MasksEveryOccurrenceLongestFirst) {
  SecretScrubber s;
  s.add("abc");  // too short to mask
  s.add("token-1");
  s.add("token-1234");
  EXPECT_EQ(s.scrub("a token-1234 b token-1 c abc"), "a *** b *** c abc");
}

}  // namespace
