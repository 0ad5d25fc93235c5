#include "log_chain.hpp"

#include <gtest/gtest.h>

namespace drkit::sqlserver {
namespace {

const char* kFork = "6F9619FF-8B86-D011-B42D-00C04FC964FF";

BackupSetHeader log(std::string file, const char* first, const char* last, const char* fork = kFork,
                    const char* db = "mgc") {
  BackupSetHeader h;
  h.file = std::move(file);
  h.backup_type = 2;
  h.database_name = db;
  h.first_lsn = *Lsn::parse(first);
  h.last_lsn = *Lsn::parse(last);
  h.first_recovery_fork_id = fork;
  h.recovery_fork_id = fork;
  return h;
}

std::vector<std::string> files(const std::vector<BackupSetHeader>& hs) {
  std::vector<std::string> out;
  for (const auto& h : hs) out.push_back(h.file);
  return out;
}

RedoPoint at(const char* lsn, const char* fork = kFork) { return {*Lsn::parse(lsn), fork}; }

TEST(LogChain, OrdersByLsnNotByFileName) {
  // File names sort c, a, b; LSNs say b, c, a (timestamps in names can lie: clock changes, zones).
  auto plan = plan_log_chain("mgc", at("100"),
                             {log("a.trn", "300", "400"), log("b.trn", "100", "200"), log("c.trn", "200", "300")});
  EXPECT_EQ(files(plan.to_apply), (std::vector<std::string>{"b.trn", "c.trn", "a.trn"}));
  EXPECT_FALSE(plan.gap);
  EXPECT_EQ(plan.last_lsn.str(), "400");
}

TEST(LogChain, SkipsTheAppliedPrefixAndStartsInsideTheCoveringBackup) {
  // redo point 250 lies inside c (200..300): a and b are applied, c must be first (FirstLSN <= 250 < LastLSN).
  auto plan = plan_log_chain("mgc", at("250"),
                             {log("a", "50", "100"), log("b", "100", "200"), log("c", "200", "300"),
                              log("d", "300", "350")});
  EXPECT_EQ(files(plan.already_applied), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(files(plan.to_apply), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(plan.last_lsn.str(), "350");
}

TEST(LogChain, BackupEndingExactlyAtRedoPointIsApplied) {
  // LastLSN is the next record after the set: LastLSN == redo means fully applied (4326 if sent).
  auto plan = plan_log_chain("mgc", at("200"), {log("b", "100", "200"), log("c", "200", "300")});
  EXPECT_EQ(files(plan.already_applied), (std::vector<std::string>{"b"}));
  EXPECT_EQ(files(plan.to_apply), (std::vector<std::string>{"c"}));
}

TEST(LogChain, GapAppliesUpToItAndReportsWhatIsLost) {
  auto plan = plan_log_chain("mgc", at("100"),
                             {log("a", "100", "200"), log("c", "300", "400"), log("d", "400", "500")});
  EXPECT_EQ(files(plan.to_apply), (std::vector<std::string>{"a"}));
  ASSERT_TRUE(plan.gap);
  EXPECT_EQ(plan.gap->needed_lsn.str(), "200");
  EXPECT_EQ(plan.gap->next_first_lsn->str(), "300");
  EXPECT_EQ(plan.gap->next_file, "c");
  EXPECT_EQ(files(plan.beyond_gap), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(plan.lost_up_to->str(), "500");
  EXPECT_EQ(plan.last_lsn.str(), "200");
}

TEST(LogChain, GapBeforeTheFirstBackup) {
  // The next needed backup was deleted by retention: 4305 "too recent" for everything.
  auto plan = plan_log_chain("mgc", at("100"), {log("c", "150", "250")});
  EXPECT_TRUE(plan.to_apply.empty());
  ASSERT_TRUE(plan.gap);
  EXPECT_EQ(plan.gap->needed_lsn.str(), "100");
}

TEST(LogChain, ForkMismatchIsExcludedAndReported) {
  auto plan = plan_log_chain("mgc", at("100"),
                             {log("a", "100", "200"), log("x", "200", "300", "11111111-2222-3333-4444-555555555555")});
  EXPECT_EQ(files(plan.to_apply), (std::vector<std::string>{"a"}));
  EXPECT_EQ(files(plan.fork_mismatch), (std::vector<std::string>{"x"}));
  EXPECT_FALSE(plan.gap);
}

TEST(LogChain, ForkIdsCompareWithoutCaseOrBraces) {
  auto plan = plan_log_chain("mgc", at("100", "{6f9619ff-8b86-d011-b42d-00c04fc964ff}"), {log("a", "100", "200")});
  EXPECT_EQ(files(plan.to_apply), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(plan.fork_mismatch.empty());
}

TEST(LogChain, OtherDatabasesAndFullBackupsAreIgnored) {
  auto full = log("full.bak", "50", "60");
  full.backup_type = 1;
  auto plan = plan_log_chain("MGC", at("100"),
                             {log("other", "100", "200", kFork, "mgccomp"), full, log("mine", "100", "200")});
  EXPECT_EQ(files(plan.to_apply), (std::vector<std::string>{"mine"}));  // database names compare case-insensitively
  EXPECT_EQ(files(plan.other), (std::vector<std::string>{"other", "full.bak"}));
}

TEST(LogChain, DuplicateCopiesAreAppliedOnce) {
  auto plan = plan_log_chain("mgc", at("100"), {log("a", "100", "200"), log("a-copy", "100", "200")});
  EXPECT_EQ(plan.to_apply.size(), 1u);
  EXPECT_EQ(plan.already_applied.size(), 1u);
}

TEST(LogChain, LsnsBeyond64BitsStayExact) {
  auto plan = plan_log_chain("mgc", at("1234567890123456789012345"),
                             {log("b", "1234567890123456789012346", "1234567890123456789012400"),
                              log("a", "1234567890123456789012300", "1234567890123456789012346")});
  EXPECT_EQ(files(plan.to_apply), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(plan.last_lsn.str(), "1234567890123456789012400");
}

TEST(SplitListing, KeepsTrnAndIgnoresWrkAndOthers) {
  auto s = split_listing({"mgc_20261123.trn", "mgc_20261124.TRN", "mgc_20261125.trn.wrk", "mgc_20261125.wrk",
                          "readme.txt"},
                         ".trn");
  EXPECT_EQ(s.candidates, (std::vector<std::string>{"mgc_20261123.trn", "mgc_20261124.TRN"}));
  EXPECT_EQ(s.ignored, (std::vector<std::string>{"mgc_20261125.trn.wrk", "mgc_20261125.wrk", "readme.txt"}));
}

}  // namespace
}  // namespace drkit::sqlserver
