#include "odbc_text.hpp"

#include <Poco/UnicodeConverter.h>

namespace drkit::sqlserver {

std::u16string to_utf16(std::string_view text) {
  Poco::UTF16String out;
  Poco::UnicodeConverter::convert(std::string(text), out);
  return std::u16string(out.begin(), out.end());
}

std::string to_utf8(const SQLWCHAR* text, std::size_t length) {
  Poco::UTF16String in(reinterpret_cast<const Poco::UTF16Char*>(text), length);
  std::string out;
  Poco::UnicodeConverter::convert(in, out);
  return out;
}

}  // namespace drkit::sqlserver
