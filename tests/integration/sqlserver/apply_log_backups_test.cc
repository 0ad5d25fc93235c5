// apply_log_backups and the log_chain probe against real simulators: LSN order, applied
// prefix, gaps, truncated and .wrk files, a foreign recovery fork, a dropped connection.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "estate.h"

namespace sqlserver_test {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> names(const boost::json::value& files) {
  std::vector<std::string> out;
  for (const auto& f : files.as_array()) out.push_back(std::filesystem::path(std::string(f.as_string())).filename());
  return out;
}

// Full backup restored on BACKUP, then `n` log backups whose names sort in reverse time order.
void prepare(Estate& e, int n) {
  e.full_backup();
  e.restore_backup_norecovery();
  for (int i = 0; i < n; ++i) e.log_backup("mgc_" + std::string(1, static_cast<char>('z' - i)) + ".trn");
}

TEST(ApplyLogBackups, AppliesInLsnOrderNotNameOrderAndSecondRunIsANoOp) {
  Estate e;
  prepare(e, 4);
  std::string before = e.redo_lsn();
  auto out = e.apply();
  EXPECT_EQ(names(out.at("applied")), (std::vector<std::string>{"mgc_z.trn", "mgc_y.trn", "mgc_x.trn", "mgc_w.trn"}));
  EXPECT_EQ(out.at("applied_count").as_int64(), 4);
  EXPECT_EQ(out.at("mode").as_string(), "NORECOVERY");
  EXPECT_NE(e.redo_lsn(), before);
  EXPECT_EQ(std::string(out.at("last_lsn").as_string()), e.redo_lsn());
  EXPECT_THAT(e.h.log_text(), HasSubstr("RESTORE LOG successfully processed"));  // server INFO in the step log
  ASSERT_FALSE(e.h.progress().empty());
  EXPECT_EQ(e.h.progress().back().done, 4u);
  EXPECT_EQ(e.h.progress().back().unit, "files");

  auto plan = e.h.plan("sqlserver.apply_log_backups",
                       {{"instance", "backup"}, {"database", "mgc"}, {"folder", e.share.string()}});
  EXPECT_TRUE(plan.no_op);
  auto again = e.apply();
  EXPECT_EQ(again.at("applied_count").as_int64(), 0);
  EXPECT_EQ(again.at("already_applied").as_int64(), 4);
  EXPECT_EQ(e.redo_lsn(), std::string(out.at("last_lsn").as_string()));
}

TEST(ApplyLogBackups, PlanShowsTheExactRestoreStatements) {
  Estate e;
  prepare(e, 2);
  auto plan = e.h.plan("sqlserver.apply_log_backups",
                       {{"instance", "backup"}, {"database", "mgc"}, {"folder", e.share.string()}});
  ASSERT_EQ(plan.actions.size(), 2u);
  EXPECT_EQ(plan.actions[0], "RESTORE LOG [mgc] FROM DISK = N'" + e.path("mgc_z.trn") + "' WITH NORECOVERY, CHECKSUM;");
  EXPECT_FALSE(plan.no_op);
  EXPECT_THAT(plan.summary, HasSubstr("2 log backup(s) to apply"));
}

TEST(ApplyLogBackups, SkipsAnAppliedPrefix) {
  Estate e;
  prepare(e, 4);
  sql(e.h, "backup", "RESTORE LOG [mgc] FROM DISK = N'" + e.path("mgc_z.trn") + "' WITH NORECOVERY;");
  sql(e.h, "backup", "RESTORE LOG [mgc] FROM DISK = N'" + e.path("mgc_y.trn") + "' WITH NORECOVERY;");
  auto out = e.apply();
  EXPECT_EQ(names(out.at("applied")), (std::vector<std::string>{"mgc_x.trn", "mgc_w.trn"}));
  EXPECT_EQ(out.at("already_applied").as_int64(), 2);
}

TEST(ApplyLogBackups, GapAppliesNothingUnlessDataLossIsAccepted) {
  Estate e;
  prepare(e, 4);
  std::filesystem::remove(e.path("mgc_y.trn"));  // retention deleted the second backup
  std::string before = e.redo_lsn();
  try {
    e.apply();
    FAIL() << "a gap must stop the step";
  } catch (const drkit::StepError& err) {
    EXPECT_EQ(err.code(), "sqlserver.log_chain_gap");
    EXPECT_FALSE(err.retryable());
    EXPECT_THAT(err.what(), HasSubstr("GAP"));
  }
  EXPECT_EQ(e.redo_lsn(), before);  // nothing applied

  auto probe = e.h.check("sqlserver.log_chain", {{"instance", "backup"}, {"database", "mgc"}, {"folder", e.share.string()}});
  EXPECT_FALSE(probe.ok);
  EXPECT_FALSE(probe.value.at("gap").is_null());
  EXPECT_FALSE(probe.value.at("expected_data_loss").is_null());
  EXPECT_EQ(probe.value.at("pending").as_int64(), 1);

  auto out = e.apply({{"allow_data_loss", true}});
  EXPECT_EQ(names(out.at("applied")), (std::vector<std::string>{"mgc_z.trn"}));
  EXPECT_EQ(out.at("gap").at("next_file").as_string(), e.path("mgc_x.trn"));
  EXPECT_TRUE(out.at("data_loss_accepted").as_bool());
}

TEST(ApplyLogBackups, TruncatedAndWrkFilesAreNotApplied) {
  Estate e;
  prepare(e, 3);
  // A copy in progress and a half-written .trn (pitfall 2).
  std::filesystem::copy_file(e.path("mgc_x.trn"), e.path("mgc_a.trn.wrk"));
  {
    std::ifstream in(e.path("mgc_x.trn"), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream out(e.path("mgc_half.trn"), std::ios::binary);
    out << data.substr(0, data.size() / 2);
  }
  auto out = e.apply();
  EXPECT_EQ(out.at("applied_count").as_int64(), 3);
  ASSERT_EQ(out.at("unreadable").as_array().size(), 1u);
  const auto& half = out.at("unreadable").as_array()[0].as_object();
  EXPECT_EQ(half.at("file").as_string(), e.path("mgc_half.trn"));
  // The server's own error: number and class; its state is not available through FreeTDS.
  EXPECT_EQ(half.at("number").as_int64(), 3203);
  EXPECT_EQ(half.at("class").as_int64(), 16);
  EXPECT_TRUE(half.at("state").is_null());
  EXPECT_THAT(std::string(half.at("error").as_string()), HasSubstr("Msg 3203, Level 16: "));
  EXPECT_THAT(names(out.at("ignored")), ::testing::Contains("mgc_a.trn.wrk"));
  EXPECT_THAT(e.h.log_text(), HasSubstr("RESTORE HEADERONLY failed"));
}

TEST(ApplyLogBackups, TruncatedFileInTheChainIsAGap) {
  Estate e;
  prepare(e, 3);
  std::filesystem::resize_file(e.path("mgc_y.trn"), 100);
  try {
    e.apply();
    FAIL() << "a truncated backup in the chain is a gap";
  } catch (const drkit::StepError& err) {
    EXPECT_EQ(err.code(), "sqlserver.log_chain_gap");
    EXPECT_THAT(err.what(), HasSubstr("unreadable"));
  }
}

TEST(ApplyLogBackups, LogsFromAnotherRecoveryForkAreRefused) {
  Estate e;
  prepare(e, 1);
  // The primary is restored over itself and recovered: a new fork; its next log backup belongs to it.
  sql(e.h, "primary", "RESTORE DATABASE [mgc] FROM DISK = N'" + e.path("full.bak") + "' WITH REPLACE, RECOVERY;");
  e.log_backup("mgc_fork.trn");
  auto probe = e.h.check("sqlserver.log_chain", {{"instance", "backup"}, {"database", "mgc"}, {"folder", e.share.string()}});
  ASSERT_EQ(probe.value.at("fork_mismatch").as_array().size(), 1u);
  EXPECT_FALSE(probe.ok);
  EXPECT_THROW(e.apply(), drkit::StepError);
  auto out = e.apply({{"allow_data_loss", true}});
  EXPECT_EQ(names(out.at("applied")), (std::vector<std::string>{"mgc_z.trn"}));
}

TEST(ApplyLogBackups, ConnectionDroppedMidwayThenRetryFinishes) {
  Estate e;
  prepare(e, 5);
  e.backup.control("fault drop count=1 match=\"RESTORE LOG [mgc] FROM DISK = N'" + e.path("mgc_x.trn") + "\"");
  try {
    e.apply();
    FAIL() << "the dropped connection must fail the step";
  } catch (const drkit::StepError& err) {
    EXPECT_TRUE(err.retryable());
    EXPECT_EQ(err.code(), "sql.link");
  }
  // The retry reconnects (the cached connection was forgotten) and applies the rest.
  auto out = e.apply();
  auto applied = names(out.at("applied"));
  EXPECT_EQ(applied.back(), "mgc_v.trn");
  EXPECT_EQ(out.at("applied_count").as_int64() + out.at("already_applied").as_int64(), 5);
  EXPECT_EQ(std::string(out.at("last_lsn").as_string()), e.redo_lsn());
}

TEST(ApplyLogBackups, RecoveredDatabaseIsRefusedWithAClearError) {
  Estate e;
  prepare(e, 1);
  e.h.run("sqlserver.recover_database", {{"instance", "backup"}, {"database", "mgc"}});
  try {
    e.apply();
    FAIL();
  } catch (const drkit::StepError& err) {
    EXPECT_EQ(err.code(), "sqlserver.not_restoring");
    EXPECT_THAT(err.what(), HasSubstr("nothing can be applied after recovery"));
  }
}

TEST(ApplyLogBackups, StandbyStaysStandbyAndAModeSwitchIsRefused) {
  Estate e;
  e.full_backup();
  std::string undo = (e.dir.path() / "mgc_undo.tuf").string();
  sql(e.h, "backup", "RESTORE DATABASE [mgc] FROM DISK = N'" + e.path("full.bak") + "' WITH STANDBY = N'" + undo + "';");
  e.log_backup("mgc_1.trn");
  e.log_backup("mgc_2.trn");
  EXPECT_EQ(e.h.check("sqlserver.database_state", {{"instance", "backup"}, {"database", "mgc"}}).value.as_string(),
            "STANDBY");
  try {
    e.apply({{"mode", "NORECOVERY"}});
    FAIL() << "switching from STANDBY to NORECOVERY must be refused";
  } catch (const drkit::StepError& err) {
    EXPECT_EQ(err.code(), "sqlserver.mode_switch");
  }
  auto out = e.apply({{"standby_file", undo}});
  EXPECT_EQ(out.at("mode").as_string(), "STANDBY");
  EXPECT_EQ(out.at("applied_count").as_int64(), 2);
  EXPECT_EQ(e.apply({{"standby_file", undo}}).at("applied_count").as_int64(), 0);
  EXPECT_EQ(e.h.check("sqlserver.database_state", {{"instance", "backup"}, {"database", "mgc"}}).value.as_string(),
            "STANDBY");
}

TEST(ApplyLogBackups, ListsLocallyWithAPathMap) {
  Estate e;
  prepare(e, 2);
  auto out = e.apply({{"local_folder", e.share.string()}});
  EXPECT_EQ(out.at("applied_count").as_int64(), 2);
}

}  // namespace
}  // namespace sqlserver_test
