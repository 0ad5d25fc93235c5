#include "header_encoding.hpp"

#include <sstream>

#include <Poco/Base64Encoder.h>

namespace drkit::notify {
namespace {

// 75 characters per encoded-word minus "=?UTF-8?B?" and "?=" leaves 63 base64 characters:
// 45 bytes of UTF-8 (a multiple of 3, so no padding inside a word).
constexpr std::size_t kBytesPerWord = 45;

std::string base64(std::string_view bytes) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out);
  enc.rdbuf()->setLineLength(0);
  enc.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  enc.close();
  return out.str();
}

std::string single_line(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  return out;
}

// Length of the longest prefix of `s` of at most `max` bytes that ends on a character
// boundary.
std::size_t utf8_prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s.size();
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n == 0 ? max : n;  // invalid UTF-8: cut anyway rather than loop forever
}

std::string encoded_words(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    auto n = utf8_prefix(text, kBytesPerWord);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(0, n)) + "?=";
    text.remove_prefix(n);
  }
  return out;
}

}  // namespace

bool is_printable_ascii(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7E) return false;
  }
  return true;
}

std::string encode_unstructured(std::string_view text) {
  auto line = single_line(text);
  // ASCII that merely looks like an encoded-word must be encoded too, or readers decode it.
  if (is_printable_ascii(line) && line.find("=?") == std::string::npos && line.size() <= 900)
    return line;
  return encoded_words(line);
}

std::string encode_phrase(std::string_view text) {
  auto line = single_line(text);
  if (is_printable_ascii(line) && line.find("=?") == std::string::npos) {
    std::string out = "\"";
    for (char c : line) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  }
  return encoded_words(line);
}

}  // namespace drkit::notify
