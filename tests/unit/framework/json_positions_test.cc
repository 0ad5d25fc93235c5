// JsonPositions (framework/src/json_positions.cc): where each JSON path starts.
#include "json_positions.h"

#include <gtest/gtest.h>

namespace drkit {
namespace {

std::string at(const JsonPositions& p, std::string_view path) {
  auto pos = p.find(path);
  return std::to_string(pos.line) + ":" + std::to_string(pos.column);
}

TEST(PositionOf, CountsLinesAndBytesFromOne) {
  std::string_view text = "ab\ncd\n\nef";
  EXPECT_EQ(position_of(text, 0).line, 1);
  EXPECT_EQ(position_of(text, 0).column, 1);
  EXPECT_EQ(position_of(text, 4).line, 2);
  EXPECT_EQ(position_of(text, 4).column, 2);
  EXPECT_EQ(position_of(text, 7).line, 4);
  EXPECT_EQ(position_of(text, 7).column, 1);
  // Past the end: the end.
  EXPECT_EQ(position_of(text, 100).line, 4);
  EXPECT_EQ(position_of(text, 100).column, 3);
}

TEST(JsonPositions, RecordsMemberKeysAndArrayElements) {
  JsonPositions p(
      "{\n"
      "  \"a\": 1,\n"
      "  \"b\": { \"c\": [10, {\"d\": true}, [\"x\"]] },\n"
      "  \"e\": \"str\"\n"
      "}");
  EXPECT_EQ(at(p, ""), "1:1");
  EXPECT_EQ(at(p, "a"), "2:3");
  EXPECT_EQ(at(p, "b"), "3:3");
  EXPECT_EQ(at(p, "b.c"), "3:10");
  EXPECT_EQ(at(p, "b.c[0]"), "3:16");
  EXPECT_EQ(at(p, "b.c[1]"), "3:20");
  EXPECT_EQ(at(p, "b.c[1].d"), "3:21");
  EXPECT_EQ(at(p, "b.c[2]"), "3:33");
  EXPECT_EQ(at(p, "b.c[2][0]"), "3:34");
  EXPECT_EQ(at(p, "e"), "4:3");
}

TEST(JsonPositions, FallsBackToTheClosestRecordedAncestor) {
  JsonPositions p("{\n  \"with\": {\n    \"x\": 1\n  }\n}");
  EXPECT_EQ(at(p, "with.missing"), "2:3");
  EXPECT_EQ(at(p, "with.x.deeper[3].key"), "3:5");
  EXPECT_EQ(at(p, "nothing.here"), "1:1");
  EXPECT_EQ(at(JsonPositions(), "a"), "0:0");
}

TEST(JsonPositions, StringsWithBracketsAndEscapesDoNotConfuseTheScan) {
  JsonPositions p(R"({"a": "}{][,:\"", "b": [",", "]"], "c": 3})");
  EXPECT_EQ(at(p, "a"), "1:2");
  EXPECT_EQ(at(p, "b"), "1:19");
  EXPECT_EQ(at(p, "b[1]"), "1:30");
  EXPECT_EQ(at(p, "c"), "1:36");
}

TEST(JsonPositions, KeysWithEscapesAreRecordedAsBoostJsonDecodesThem) {
  // Diagnostic paths are built from the parsed keys, so the scan must decode the same way.
  JsonPositions p("{\"q\\\"uote\": 1,\n\"tab\\there\": 2,\n\"\\u00e9t\\u00e9\": 3,\n\"\\ud83d\\ude00\": 4}");
  EXPECT_EQ(at(p, "q\"uote"), "1:2");
  EXPECT_EQ(at(p, "tab\there"), "2:1");
  EXPECT_EQ(at(p, "\xc3\xa9t\xc3\xa9"), "3:1");
  EXPECT_EQ(at(p, "\xf0\x9f\x98\x80"), "4:1");
}

TEST(JsonPositions, ADuplicatedKeyIsReportedAndTheLastOccurrenceWinsLikeBoostJson) {
  JsonPositions p("{\"a\": {\"x\": 1},\n \"b\": 2,\n \"a\": {\"x\": 3, \"x\": 4}}");
  EXPECT_EQ(at(p, "a"), "3:2");
  EXPECT_EQ(at(p, "a.x"), "3:16");
  // In text order; equal keys in different objects (the "x" under each "a") are not
  // duplicates of each other.
  ASSERT_EQ(p.duplicates().size(), 2u);
  EXPECT_EQ(p.duplicates()[0].path, "a");
  EXPECT_EQ(p.duplicates()[0].key, "a");
  EXPECT_EQ(p.duplicates()[0].at.line, 3);
  EXPECT_EQ(p.duplicates()[0].first.line, 1);
  EXPECT_EQ(p.duplicates()[1].path, "a.x");
  EXPECT_EQ(p.duplicates()[1].at.column, 16);
  EXPECT_EQ(p.duplicates()[1].first.column, 8);
  EXPECT_TRUE(JsonPositions("{\"a\": [{\"k\": 1}, {\"k\": 2}]}").duplicates().empty());
}

TEST(JsonPositions, CountsCarriageReturnsAsColumnsAndNewlinesAsLines) {
  JsonPositions p("{\r\n  \"a\": {\r\n    \"b\": 1 } }");
  EXPECT_EQ(at(p, "a"), "2:3");
  EXPECT_EQ(at(p, "a.b"), "3:5");
}

}  // namespace
}  // namespace drkit
