#include "journal_time.h"

#include <gtest/gtest.h>

namespace drkit {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

TEST(JournalTime, WritesIsoUtcWithMilliseconds) {
  EXPECT_EQ(to_iso8601(system_clock::time_point(milliseconds(0))), "1970-01-01T00:00:00.000Z");
  // 2026-11-23T14:15:03.120Z
  EXPECT_EQ(to_iso8601(system_clock::time_point(milliseconds(1'795'443'303'120))), "2026-11-23T14:15:03.120Z");
}

TEST(JournalTime, RoundTripsToTheMillisecond) {
  auto t = system_clock::time_point(milliseconds(1'795'443'303'007));
  EXPECT_EQ(from_iso8601(to_iso8601(t)), t);
  auto now = std::chrono::time_point_cast<milliseconds>(system_clock::now());
  EXPECT_EQ(from_iso8601(to_iso8601(now)), now);
}

TEST(JournalTime, ParsesOtherPrecisionsAndRejectsGarbage) {
  auto whole = from_iso8601("2026-11-23T14:15:03Z");
  ASSERT_TRUE(whole);
  EXPECT_EQ(to_iso8601(*whole), "2026-11-23T14:15:03.000Z");
  EXPECT_EQ(to_iso8601(*from_iso8601("2026-11-23T14:15:03.5Z")), "2026-11-23T14:15:03.500Z");
  EXPECT_EQ(to_iso8601(*from_iso8601("2026-11-23T14:15:03.123456789Z")), "2026-11-23T14:15:03.123Z");
  EXPECT_FALSE(from_iso8601(""));
  EXPECT_FALSE(from_iso8601("2026-11-23 14:15:03Z"));
  EXPECT_FALSE(from_iso8601("2026-11-23T14:15:03"));       // no zone: not ours
  EXPECT_FALSE(from_iso8601("2026-11-23T14:15:03+01:00"));  // always UTC
  EXPECT_FALSE(from_iso8601("2026-13-23T14:15:03Z"));
  EXPECT_FALSE(from_iso8601("2026-11-23T14:15:03.Z"));
}

}  // namespace
}  // namespace drkit
