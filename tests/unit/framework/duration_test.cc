// drkit::parse_duration and format_duration (framework/src/sdk/duration.cc).
#include "drkit/duration.hpp"

#include <gtest/gtest.h>

namespace drkit {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(ParseDuration, ReadsEveryUnitAndCombinations) {
  EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("5s"), seconds(5));
  EXPECT_EQ(parse_duration("2m"), minutes(2));
  EXPECT_EQ(parse_duration("3h"), hours(3));
  EXPECT_EQ(parse_duration("1d"), hours(24));
  EXPECT_EQ(parse_duration("1h30m"), minutes(90));
  EXPECT_EQ(parse_duration("1m30s250ms"), milliseconds(90'250));
  EXPECT_EQ(parse_duration("0s"), milliseconds(0));
}

TEST(ParseDuration, ABareIntegerIsSeconds) {
  EXPECT_EQ(parse_duration("90"), seconds(90));
  EXPECT_EQ(parse_duration("0"), milliseconds(0));
}

TEST(ParseDuration, RejectsWhatIsNotADuration) {
  for (const char* text : {"", "s", "ms", "5x", "5 s", " 5s", "5s ", "-1s", "+1s", "1.5s",
                           "1h30", "5S", "5sec", "five", "1e3s"}) {
    EXPECT_EQ(parse_duration(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(ParseDuration, RejectsUnitsOutOfOrderOrRepeated) {
  EXPECT_EQ(parse_duration("30m1h"), std::nullopt);
  EXPECT_EQ(parse_duration("1m1m"), std::nullopt);
  EXPECT_EQ(parse_duration("500ms1s"), std::nullopt);
  EXPECT_EQ(parse_duration("1h30m"), Duration(5'400'000));
}

TEST(ParseDuration, RejectsOverflowInsteadOfWrappingAround) {
  EXPECT_EQ(parse_duration("99999999999999999999s"), std::nullopt);
  // 2^63 ms is 106751991167 days and a bit.
  EXPECT_EQ(parse_duration("106751991168d"), std::nullopt);
  EXPECT_EQ(parse_duration("106751991167d"), hours(24) * 106751991167LL);
  EXPECT_EQ(parse_duration("106751991167d106751991167d"), std::nullopt);
}

TEST(FormatDuration, WritesTheShortestExactForm) {
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
  EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
  EXPECT_EQ(format_duration(seconds(5)), "5s");
  EXPECT_EQ(format_duration(milliseconds(90'000)), "1m30s");
  EXPECT_EQ(format_duration(minutes(90)), "1h30m");
  EXPECT_EQ(format_duration(hours(24) + milliseconds(1)), "1d1ms");
  EXPECT_EQ(format_duration(milliseconds(-1500)), "-1s500ms");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (std::int64_t ms : {1LL, 999LL, 1000LL, 61'001LL, 3'600'000LL, 90'061'001LL,
                          86'400'000LL * 400 + 7}) {
    auto text = format_duration(milliseconds(ms));
    EXPECT_EQ(parse_duration(text), milliseconds(ms)) << text;
  }
}

}  // namespace
}  // namespace drkit
