// Did-you-mean suggestions (framework/src/spellcheck.cc).
#include "spellcheck.h"

#include <gtest/gtest.h>

namespace drkit {
namespace {

const std::vector<std::string> kSteps = {"core.confirm", "core.exec", "core.sleep"};

TEST(Spellcheck, SuggestsTheClosestCandidateForATypo) {
  EXPECT_EQ(closest_match("core.slep", kSteps), "core.sleep");    // deletion
  EXPECT_EQ(closest_match("core.exce", kSteps), "core.exec");     // transposition
  EXPECT_EQ(closest_match("core.confirn", kSteps), "core.confirm");  // substitution
  EXPECT_EQ(closest_match("core.execc", kSteps), "core.exec");    // insertion
}

TEST(Spellcheck, SuggestsNothingWhenNothingIsClose) {
  EXPECT_EQ(closest_match("sqlserver.restore", kSteps), "");
  EXPECT_EQ(closest_match("exec", kSteps), "");  // 5 edits from core.exec
  EXPECT_EQ(closest_match("core.sleep", {}), "");
}

TEST(Spellcheck, AllowsAThirdOfTheWordButAtLeastTwoEdits) {
  // "abc": limit 2 (the minimum).
  EXPECT_EQ(closest_match("abc", {"xbz"}), "xbz");
  EXPECT_EQ(closest_match("abc", {"xyz"}), "");
  // 12 letters: limit 4.
  EXPECT_EQ(closest_match("abcdefghijkl", {"abcdefghWXYZ"}), "abcdefghWXYZ");
  EXPECT_EQ(closest_match("abcdefghijkl", {"abcdefgVWXYZ"}), "");
}

TEST(Spellcheck, PrefersTheNearestAndThenTheFirstListed) {
  EXPECT_EQ(closest_match("mode", {"nodes", "mod"}), "mod");
  EXPECT_EQ(closest_match("cat", {"bat", "hat"}), "bat");
}

TEST(Spellcheck, DidYouMeanIsReadyToAppend) {
  EXPECT_EQ(did_you_mean("varz", {"vars", "name"}), "; did you mean 'vars'?");
  EXPECT_EQ(did_you_mean("zzzzzz", {"vars", "name"}), "");
}

}  // namespace
}  // namespace drkit
