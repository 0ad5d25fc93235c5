// Every other step and probe against real simulators; each step runs twice (the second run
// must find nothing to do).
#include <chrono>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "estate.h"

namespace sqlserver_test {
namespace {

using ::testing::HasSubstr;

boost::json::object db(const char* instance, const std::string& database = "mgc") {
  return {{"instance", instance}, {"database", database}};
}

TEST(RecoverDatabase, RecoversThenIsANoOp) {
  Estate e;
  e.full_backup();
  e.restore_backup_norecovery();
  EXPECT_EQ(e.h.check("sqlserver.database_state", db("backup")).value.as_string(), "RESTORING");
  auto plan = e.h.plan("sqlserver.recover_database", db("backup"));
  EXPECT_EQ(plan.actions, (std::vector<std::string>{"RESTORE DATABASE [mgc] WITH RECOVERY;"}));
  auto out = e.h.run("sqlserver.recover_database", db("backup"));
  EXPECT_TRUE(out.at("recovered").as_bool());
  EXPECT_FALSE(out.at("broker_enabled").as_bool());  // restores turn Service Broker off
  auto state = e.h.check("sqlserver.database_state", {{"instance", "backup"}, {"database", "mgc"}, {"state", "ONLINE"}});
  EXPECT_TRUE(state.ok);
  EXPECT_TRUE(e.h.plan("sqlserver.recover_database", db("backup")).no_op);
  EXPECT_FALSE(e.h.run("sqlserver.recover_database", db("backup")).at("recovered").as_bool());
  auto broker = e.h.check("sqlserver.broker_enabled", db("backup"));
  EXPECT_FALSE(broker.ok);
  EXPECT_EQ(broker.value, boost::json::value(false));
  EXPECT_TRUE(e.h.check("sqlserver.broker_enabled", db("primary")).ok);
}

TEST(RecoverDatabase, RetriesWhileAnotherSessionHoldsTheDatabase) {
  Estate e;
  e.full_backup();
  e.restore_backup_norecovery();
  e.backup.control("fault fail 3101 count=2 match=\"WITH RECOVERY\"");
  auto out = e.h.run("sqlserver.recover_database", {{"instance", "backup"}, {"database", "mgc"},
                                                   {"exclusive_access_delay", "50ms"}});
  EXPECT_TRUE(out.at("recovered").as_bool());
  EXPECT_THAT(e.h.log_text(), HasSubstr("(3101)"));
}

TEST(EndConnections, KillsApplicationSessionsThenIsANoOp) {
  Estate e;
  e.primary.control("session open mgc count=3 program=ChatServer");
  auto plan = e.h.plan("sqlserver.end_connections", db("primary"));
  EXPECT_THAT(plan.summary, HasSubstr("end 3 session(s)"));
  auto out = e.h.run("sqlserver.end_connections", db("primary"));
  EXPECT_EQ(out.at("ended").as_int64(), 3);
  auto again = e.h.run("sqlserver.end_connections", db("primary"));
  EXPECT_EQ(again.at("ended").as_int64(), 0);
  EXPECT_TRUE(e.h.plan("sqlserver.end_connections", db("primary")).no_op);
}

TEST(BackupAndRestore, FullBackupThenRestoreOnTheOtherInstanceEachTwice) {
  Estate e;
  std::string bak = e.path("failback.bak");
  boost::json::object with{{"instance", "primary"}, {"database", "mgc"}, {"path", bak}};
  auto plan = e.h.plan("sqlserver.backup_database", with);
  EXPECT_THAT(plan.actions.at(0), HasSubstr("BACKUP DATABASE [mgc] TO DISK = N'" + bak + "' WITH INIT, CHECKSUM"));
  auto out = e.h.run("sqlserver.backup_database", with, "bk");
  EXPECT_TRUE(out.at("backed_up").as_bool());
  EXPECT_GT(out.at("size").as_int64(), 0);
  EXPECT_EQ(out.at("path").as_string(), bak);
  auto again = e.h.run("sqlserver.backup_database", with, "bk");
  EXPECT_FALSE(again.at("backed_up").as_bool());  // this run's backup is already in the file
  EXPECT_EQ(again.at("backup_set_guid"), out.at("backup_set_guid"));

  boost::json::object restore{{"instance", "backup"}, {"database", "mgc"}, {"path", bak}};
  auto r1 = e.h.run("sqlserver.restore_database", restore);
  EXPECT_TRUE(r1.at("restored").as_bool());
  EXPECT_EQ(r1.at("state_desc").as_string(), "ONLINE");
  auto r2 = e.h.run("sqlserver.restore_database", restore);
  EXPECT_FALSE(r2.at("restored").as_bool());
  EXPECT_TRUE(e.h.plan("sqlserver.restore_database", restore).no_op);

  boost::json::object norec{{"instance", "backup"}, {"database", "mgc2"}, {"path", bak}, {"recovery", false},
                            {"move", {{"mgc", "/data/mgc2.mdf"}, {"mgc_log", "/data/mgc2_log.ldf"}}}};
  auto plan2 = e.h.plan("sqlserver.restore_database", norec);
  EXPECT_THAT(plan2.actions.back(), HasSubstr("MOVE N'mgc' TO N'/data/mgc2.mdf'"));
  EXPECT_THAT(plan2.actions.back(), HasSubstr("WITH REPLACE, NORECOVERY"));
  EXPECT_TRUE(e.h.run("sqlserver.restore_database", norec).at("restored").as_bool());
  EXPECT_FALSE(e.h.run("sqlserver.restore_database", norec).at("restored").as_bool());
  EXPECT_EQ(e.h.check("sqlserver.database_state", db("backup", "mgc2")).value.as_string(), "RESTORING");
}

TEST(Mirroring, EstablishThenRemoveEachTwice) {
  Estate e;
  e.full_backup();
  e.log_backup("tail.trn");
  e.restore_backup_norecovery();
  sql(e.h, "backup", "RESTORE LOG [mgc] FROM DISK = N'" + e.path("tail.trn") + "' WITH NORECOVERY;");
  boost::json::object with{{"principal", "primary"}, {"mirror", "backup"}, {"database", "mgc"},
                           {"principal_address", e.primary.endpoint_address()},
                           {"mirror_address", e.backup.endpoint_address()}};
  auto plan = e.h.plan("sqlserver.establish_mirroring", with);
  ASSERT_EQ(plan.actions.size(), 2u);
  EXPECT_THAT(plan.actions[0], HasSubstr("on backup"));  // mirror side first
  auto out = e.h.run("sqlserver.establish_mirroring", with);
  EXPECT_TRUE(out.at("established").as_bool());
  auto state = e.h.check("sqlserver.mirroring_state", db("primary"));
  EXPECT_TRUE(state.ok);
  EXPECT_EQ(state.value.at("role").as_string(), "PRINCIPAL");
  EXPECT_FALSE(e.h.run("sqlserver.establish_mirroring", with).at("established").as_bool());

  auto removed = e.h.run("sqlserver.remove_mirroring", db("primary"));
  EXPECT_TRUE(removed.at("removed").as_bool());
  EXPECT_FALSE(e.h.run("sqlserver.remove_mirroring", db("primary")).at("removed").as_bool());
  EXPECT_TRUE(e.h.plan("sqlserver.remove_mirroring", db("primary")).no_op);
  EXPECT_FALSE(e.h.check("sqlserver.mirroring_state", db("primary")).ok);
}

TEST(LogShipping, ConfigureRunJobsSnapshotRemove) {
  Estate e;
  std::string copy = (e.dir.path() / "copy").string();
  std::filesystem::create_directories(copy);
  boost::json::object cfg{{"primary", "primary"},          {"secondary", "backup"},
                          {"database", "mgc"},             {"backup_directory", e.share.string()},
                          {"backup_share", e.share.string()}, {"destination_directory", copy},
                          {"initialize_secondary", true}};
  auto plan = e.h.plan("sqlserver.configure_log_shipping", cfg);
  EXPECT_THAT(plan.actions.back(), HasSubstr("sp_add_log_shipping_primary_secondary"));
  auto out = e.h.run("sqlserver.configure_log_shipping", cfg);
  EXPECT_EQ(out.at("configured").as_array().size(), 4u);
  auto again = e.h.run("sqlserver.configure_log_shipping", cfg);
  EXPECT_TRUE(again.at("configured").as_array().empty());
  EXPECT_TRUE(e.h.plan("sqlserver.configure_log_shipping", cfg).no_op);

  // Let the primary's backup job produce a log backup, then run copy + restore on the secondary.
  sql(e.h, "primary", "EXEC msdb.dbo.sp_start_job @job_name = N'LSBackup_mgc';");
  // sp_start_job returns when the job is queued: wait (generously) until it has written a backup.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (sql(e.h, "primary",
             "SELECT last_backup_file FROM msdb.dbo.log_shipping_primary_databases "
             "WHERE primary_database = N'mgc' AND last_backup_file IS NOT NULL;")
             .empty()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the backup job never wrote a log backup";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto jobs = e.h.run("sqlserver.run_log_shipping_jobs", db("backup"));
  EXPECT_TRUE(jobs.at("copy").at("succeeded").as_bool());
  EXPECT_TRUE(jobs.at("restore").at("succeeded").as_bool());
  auto jobs2 = e.h.run("sqlserver.run_log_shipping_jobs", {{"instance", "backup"}, {"database", "mgc"},
                                                          {"share_unreachable", true}});
  EXPECT_TRUE(jobs2.at("copy").at("skipped").as_bool());

  EXPECT_FALSE(jobs.at("last_restored_file").as_string().empty());
  auto status = e.h.check("sqlserver.log_shipping_status", db("backup"));
  EXPECT_TRUE(status.value.at("configured").as_bool());
  EXPECT_TRUE(status.ok) << status.message;

  auto snap = e.h.run("sqlserver.snapshot_log_shipping", db("backup"));
  EXPECT_TRUE(snap.at("configured").as_bool());
  EXPECT_EQ(snap.at("primary_database").as_string(), "mgc");
  EXPECT_EQ(snap.at("state_desc").as_string(), "RESTORING");
  EXPECT_FALSE(snap.at("redo_start_lsn").is_null());

  auto removed = e.h.run("sqlserver.remove_log_shipping_secondary", db("backup"));
  EXPECT_TRUE(removed.at("removed").as_bool());
  EXPECT_EQ(removed.at("configuration").at("primary_database").as_string(), "mgc");
  EXPECT_FALSE(e.h.run("sqlserver.remove_log_shipping_secondary", db("backup")).at("removed").as_bool());
  EXPECT_TRUE(e.h.plan("sqlserver.remove_log_shipping_secondary", db("backup")).no_op);
  EXPECT_FALSE(e.h.check("sqlserver.log_shipping_status", db("backup")).ok);
}

TEST(OrphanedUsers, DetectedAfterRestoreElsewhereAndRepaired) {
  Estate e;
  sql(e.h, "primary", "CREATE LOGIN [chat app] WITH PASSWORD = N'x1!Y';");
  sql(e.h, "primary", "USE [mgc]; CREATE USER [chat app] FOR LOGIN [chat app]; USE [master];");
  e.full_backup();
  sql(e.h, "backup", "RESTORE DATABASE [mgc] FROM DISK = N'" + e.path("full.bak") + "' WITH RECOVERY;");
  sql(e.h, "backup", "CREATE LOGIN [chat app] WITH PASSWORD = N'x1!Y';");  // same name, another SID
  auto probe = e.h.check("sqlserver.orphaned_users", db("backup"));
  EXPECT_FALSE(probe.ok);
  EXPECT_EQ(probe.value, (boost::json::array{"chat app"}));
  auto out = e.h.run("sqlserver.repair_orphaned_users", db("backup"));
  EXPECT_EQ(out.at("fixed").as_array().size(), 1u);
  EXPECT_EQ(out.at("remaining").as_int64(), 0);
  EXPECT_TRUE(e.h.check("sqlserver.orphaned_users", db("backup")).ok);
  EXPECT_TRUE(e.h.run("sqlserver.repair_orphaned_users", db("backup")).at("fixed").as_array().empty());
  EXPECT_TRUE(e.h.plan("sqlserver.repair_orphaned_users", db("backup")).no_op);
}

TEST(Execute, ReturnsRowsAndMessages) {
  Estate e;
  auto out = e.h.run("sqlserver.execute", {{"instance", "primary"},
                                          {"sql", "PRINT N'hello'; SELECT name, state_desc FROM sys.databases WHERE name = N'mgc';"}});
  ASSERT_EQ(out.at("rows").as_array().size(), 1u);
  EXPECT_EQ(out.at("rows").as_array()[0].at("state_desc").as_string(), "ONLINE");
  EXPECT_EQ(out.at("messages").as_array()[0].as_string(), "hello");
}

TEST(Plan, DescribesTheStatementsWhenTheServerIsDown) {
  Estate e;
  e.backup.stop();
  auto plan = e.h.plan("sqlserver.recover_database", db("backup"));
  EXPECT_EQ(plan.actions, (std::vector<std::string>{"RESTORE DATABASE [mgc] WITH RECOVERY;"}));
  EXPECT_THAT(plan.summary, HasSubstr("current state unknown"));
  EXPECT_FALSE(plan.no_op);
  auto apply = e.h.plan("sqlserver.apply_log_backups",
                        {{"instance", "backup"}, {"database", "mgc"}, {"folder", e.share.string()}});
  EXPECT_THAT(apply.actions.back(), HasSubstr("RESTORE LOG [mgc] FROM DISK"));
}

TEST(Reachable, TrueThenFalseWhenTheServerIsDown) {
  Estate e;
  auto up = e.h.check("sqlserver.reachable", {{"instance", "primary"}});
  EXPECT_TRUE(up.ok);
  EXPECT_THAT(up.message, HasSubstr("PRIMARY"));
  e.primary.stop();
  auto down = e.h.check("sqlserver.reachable", {{"instance", "primary"}});
  EXPECT_FALSE(down.ok);
  EXPECT_THAT(down.message, HasSubstr("not reachable"));
}

}  // namespace
}  // namespace sqlserver_test
