#include "tsql_quote.hpp"

#include <gtest/gtest.h>

#include "drkit/errors.hpp"

namespace drkit::sqlserver {
namespace {

TEST(QuoteName, WrapsInBracketsAndDoublesClosingBracket) {
  EXPECT_EQ(quote_name("mgc"), "[mgc]");
  EXPECT_EQ(quote_name("a]b"), "[a]]b]");
  EXPECT_EQ(quote_name("]]"), "[]]]]]");
  EXPECT_EQ(quote_name("x];DROP DATABASE [mgc];--"), "[x]];DROP DATABASE [mgc]];--]");
  // Opening brackets and quotes need no escaping inside [..].
  EXPECT_EQ(quote_name("[o'k]"), "[[o'k]]]");
}

TEST(QuoteLiteral, UnicodePrefixAndDoubledQuotes) {
  EXPECT_EQ(quote_literal("mgc"), "N'mgc'");
  EXPECT_EQ(quote_literal("O'Brien"), "N'O''Brien'");
  EXPECT_EQ(quote_literal("'; SHUTDOWN --"), "N'''; SHUTDOWN --'");
  EXPECT_EQ(quote_literal(""), "N''");
  EXPECT_EQ(quote_literal("C:\\backup\\mgc.trn"), "N'C:\\backup\\mgc.trn'");
}

TEST(ValidateName, AcceptsHostileButPrintableNames) {
  EXPECT_NO_THROW(validate_name("mgc", "database"));
  EXPECT_NO_THROW(validate_name("we]ird 'name'; --", "database"));
  EXPECT_NO_THROW(validate_name("данные", "database"));
  EXPECT_NO_THROW(validate_name(std::string(128, 'x'), "database"));
}

TEST(ValidateName, RefusesEmptyLongControlAndBadUtf8) {
  auto message = [](std::string_view name) {
    try {
      validate_name(name, "database");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message(""), "database: a SQL Server name cannot be empty");
  EXPECT_NE(message(std::string(129, 'x')).find("at most 128"), std::string::npos);
  EXPECT_NE(message("a\nb").find("control character (code 10)"), std::string::npos);
  EXPECT_NE(message(std::string("a\0b", 3)).find("control character (code 0)"), std::string::npos);
  EXPECT_NE(message("\xff\xfe").find("not valid UTF-8"), std::string::npos);
  // 128 characters of two bytes each is still 128 characters.
  std::string cyrillic;
  for (int i = 0; i < 128; ++i) cyrillic += "д";
  EXPECT_EQ(message(cyrillic), "accepted");
}

TEST(ValidateLiteral, LimitsLengthAndNul) {
  EXPECT_NO_THROW(validate_literal("C:\\x\\y.trn", "path", 260));
  EXPECT_THROW(validate_literal(std::string(261, 'p'), "path", 260), ConfigError);
  EXPECT_THROW(validate_literal(std::string("a\0b", 3), "path", 260), ConfigError);
  EXPECT_THROW(validate_literal("\xc3", "path", 260), ConfigError);
}

TEST(Utf8Length, CountsCodePoints) {
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("дa€😀"), 4u);
  EXPECT_EQ(utf8_length("\xe2\x82"), std::string_view::npos);
}

}  // namespace
}  // namespace drkit::sqlserver
