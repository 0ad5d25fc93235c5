#include "lsn.hpp"

#include <gtest/gtest.h>

namespace drkit::sqlserver {
namespace {

TEST(Lsn, ParsesAndPrintsTwentyFiveDigitsExactly) {
  // 25 digits: beyond 2^64 (20 digits) and far beyond a double's 15-16 exact digits.
  auto big = Lsn::parse("9999999999999999999999999");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->str(), "9999999999999999999999999");
  auto a = Lsn::parse("1234567890123456789012345");
  auto b = Lsn::parse("1234567890123456789012346");
  ASSERT_TRUE(a && b);
  EXPECT_LT(*a, *b);  // as doubles these two would compare equal
  EXPECT_EQ(static_cast<double>(a->value()), static_cast<double>(b->value()));
}

TEST(Lsn, AcceptsDecimalRenderingWithZeroScale) {
  EXPECT_EQ(Lsn::parse("42000000012300001.0")->str(), "42000000012300001");
  EXPECT_EQ(Lsn::parse(" 17 ")->str(), "17");
  EXPECT_EQ(Lsn::parse("0")->str(), "0");
  EXPECT_EQ(Lsn::parse("000123")->str(), "123");
}

TEST(Lsn, RefusesNonIntegers) {
  EXPECT_FALSE(Lsn::parse(""));
  EXPECT_FALSE(Lsn::parse("-1"));
  EXPECT_FALSE(Lsn::parse("1.5"));
  EXPECT_FALSE(Lsn::parse("1e25"));
  EXPECT_FALSE(Lsn::parse("12345678901234567890123456"));  // 26 digits
  EXPECT_FALSE(Lsn::parse("0x1A"));
}

}  // namespace
}  // namespace drkit::sqlserver
