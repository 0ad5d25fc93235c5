// The probes: reachable, pending, free_space.
#include <gmock/gmock.h>

#include "share_fixture.h"

namespace storage_share_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ProbesTest : public ShareFixture {};

TEST_F(ProbesTest, ReachableHoldsForAReadableFolderOnly) {
  auto yes = h_.check("storage-share.reachable", {{"source", share_.str()}});
  EXPECT_TRUE(yes.ok);
  EXPECT_EQ(yes.value, boost::json::value(true));

  auto no = h_.check("storage-share.reachable", {{"source", share_.str() + "/missing"}, {"reachable_within", "2s"}});
  EXPECT_FALSE(no.ok);
  EXPECT_EQ(no.value, boost::json::value(false));
  EXPECT_THAT(no.message, HasSubstr("No such file or directory (ENOENT)"));

  write_file(src("a-file"), 10, 1);
  auto not_dir = h_.check("storage-share.reachable", {{"source", src("a-file").string()}});
  EXPECT_FALSE(not_dir.ok);
  EXPECT_THAT(not_dir.message, HasSubstr("ENOTDIR"));
}

TEST_F(ProbesTest, PendingCountsWhatIsNotYetCopiedAndHoldsWhenNothingIs) {
  write_file(src("a.trn"), 1000, 1);
  write_file(src("b.trn"), 2000, 2);
  write_file(src("c.trn"), 3000, 3);
  write_file(src("d.trn.wrk"), 4000, 4);
  write_file(src("e.trn"), 5000, 5, std::chrono::seconds(0));  // being written now
  write_file(dst("a.trn"), 1000, 1);
  write_file(dst("b.trn"), 100, 2);  // short: pending again

  auto p = h_.check("storage-share.pending", with({{"stable_for", "1m"}}));
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(p.value.at("count").as_int64(), 2);
  EXPECT_EQ(p.value.at("bytes").as_int64(), 5000);
  EXPECT_EQ(p.value.at("growing").as_int64(), 1);
  EXPECT_EQ(p.value.at("up_to_date").as_int64(), 1);
  std::vector<std::string> files;
  for (const auto& f : p.value.at("files").as_array()) files.emplace_back(f.as_string());
  EXPECT_THAT(files, ElementsAre("b.trn", "c.trn"));
  EXPECT_THAT(p.message, HasSubstr("2 *.trn file(s)"));

  copy({{"stable_for", "0s"}});
  auto after = h_.check("storage-share.pending", with({{"stable_for", "0s"}}));
  EXPECT_TRUE(after.ok) << after.message;
  EXPECT_EQ(after.value.at("count").as_int64(), 0);
}

TEST_F(ProbesTest, PendingCannotCheckAnUnreachableShare) {
  auto w = with();
  w["source"] = share_.str() + "/missing";
  EXPECT_THROW(h_.check("storage-share.pending", w), drkit::StepError);
}

TEST_F(ProbesTest, FreeSpaceComparesRoomWithPendingBytesPlusMargin) {
  write_file(src("a.trn"), 1 << 20, 1);
  auto room = h_.check("storage-share.free_space", with({{"margin_mib", 1}}));
  EXPECT_TRUE(room.ok) << room.message;
  EXPECT_EQ(room.value.at("pending_bytes").as_int64(), 1 << 20);
  EXPECT_EQ(room.value.at("needed_bytes").as_int64(), 2 << 20);
  EXPECT_GT(room.value.at("free_bytes").as_int64(), 2 << 20);

  // A margin larger than any disk here cannot be met.
  auto huge = h_.check("storage-share.free_space", with({{"margin_mib", std::int64_t{1} << 40}}));
  EXPECT_FALSE(huge.ok);
  EXPECT_THAT(huge.message, HasSubstr("NOT ENOUGH ROOM"));
}

}  // namespace
}  // namespace storage_share_test
