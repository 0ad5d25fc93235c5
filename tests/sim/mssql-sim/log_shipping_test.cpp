// Log shipping between two simulator instances through real files: configuration with the
// msdb procedures on both sides, Agent jobs (started by hand and by the simulator clock),
// history, and removal with sp_delete_log_shipping_secondary_database.
#include "test_util.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gmock/gmock.h>

using namespace simtest;

namespace {

class LogShippingTest : public SimFixture {
protected:
    static std::string jobRuns(OdbcConnection& c, const std::string& job) {
        return c.scalar("SELECT COUNT(*) FROM msdb.dbo.sysjobhistory h JOIN msdb.dbo.sysjobs j ON j.job_id = h.job_id "
                        "WHERE j.name = N'" + job + "' AND h.step_id = 0");
    }
    // Starts a job and waits until its outcome is recorded; returns the outcome row's run_status.
    static std::string runJob(OdbcConnection& c, const std::string& job) {
        int before = std::stoi(jobRuns(c, job));
        auto r = c.exec("EXEC msdb.dbo.sp_start_job @job_name = N'" + job + "'");
        EXPECT_FALSE(r.messages.empty());
        if (!r.messages.empty()) {
            EXPECT_NE(r.messages[0].text.find("started successfully"), std::string::npos);
        }
        EXPECT_TRUE(waitUntil([&] { return std::stoi(jobRuns(c, job)) > before; })) << job << " never finished";
        return c.scalar("SELECT TOP 1 h.run_status FROM msdb.dbo.sysjobhistory h JOIN msdb.dbo.sysjobs j ON j.job_id = h.job_id "
                        "WHERE j.name = N'" + job + "' AND h.step_id = 0 ORDER BY h.instance_id DESC");
    }
};

TEST_F(LogShippingTest, BackupCopyRestoreChainThenRemoval) {
    auto share = dir.path() / "share";
    auto copy = dir.path() / "copy";
    std::filesystem::create_directories(share);
    std::filesystem::create_directories(copy);
    SimProcess secondary(dir.path() / "b", "SIMB");
    auto a = connect();
    OdbcConnection b(secondary.connectionString());

    std::string full = (share / "mgc_init.bak").string();
    a.exec("BACKUP DATABASE [mgc] TO DISK = N'" + full + "' WITH INIT, CHECKSUM");
    b.exec("RESTORE DATABASE [mgc] FROM DISK = N'" + full + "' WITH NORECOVERY");

    auto pr = a.exec(
        "DECLARE @jid uniqueidentifier, @pid uniqueidentifier, @sid int, @rc int;\n"
        "EXEC @rc = master.dbo.sp_add_log_shipping_primary_database @database = N'mgc', @backup_directory = N'" + share.string() +
        "', @backup_share = N'" + share.string() + "', @backup_job_name = N'LSBackup_mgc', @backup_retention_period = 4320, "
        "@backup_compression = 2, @backup_threshold = 60, @threshold_alert_enabled = 1, @history_retention_period = 5760, "
        "@backup_job_id = @jid OUTPUT, @primary_id = @pid OUTPUT, @overwrite = 1;\n"
        "EXEC msdb.dbo.sp_add_schedule @schedule_name = N'LSBackupSchedule', @enabled = 1, @freq_type = 4, @freq_interval = 1, "
        "@freq_subday_type = 4, @freq_subday_interval = 15, @schedule_id = @sid OUTPUT;\n"
        "EXEC msdb.dbo.sp_attach_schedule @job_id = @jid, @schedule_id = @sid;\n"
        "EXEC msdb.dbo.sp_update_job @job_id = @jid, @enabled = 1;\n"
        "EXEC master.dbo.sp_add_log_shipping_primary_secondary @primary_database = N'mgc', @secondary_server = N'SIMB', "
        "@secondary_database = N'mgc', @overwrite = 1;\n"
        "SELECT @rc AS rc, @jid AS jid");
    EXPECT_EQ(pr.results.back().at(0, "rc"), "0");
    EXPECT_EQ(a.scalar("SELECT COUNT(*) FROM msdb.dbo.log_shipping_primary_databases WHERE primary_database = N'mgc'"), "1");
    EXPECT_EQ(a.scalar("SELECT secondary_server FROM msdb.dbo.log_shipping_primary_secondaries"), "SIMB");

    b.exec("DECLARE @c uniqueidentifier, @r uniqueidentifier, @s uniqueidentifier;\n"
           "EXEC master.dbo.sp_add_log_shipping_secondary_primary @primary_server = N'SIMA', @primary_database = N'mgc', "
           "@backup_source_directory = N'" + share.string() + "', @backup_destination_directory = N'" + copy.string() +
           "', @copy_job_name = N'LSCopy_SIMA_mgc', @restore_job_name = N'LSRestore_SIMA_mgc', @file_retention_period = 4320, "
           "@overwrite = 1, @copy_job_id = @c OUTPUT, @restore_job_id = @r OUTPUT, @secondary_id = @s OUTPUT;\n"
           "EXEC master.dbo.sp_add_log_shipping_secondary_database @secondary_database = N'mgc', @primary_server = N'SIMA', "
           "@primary_database = N'mgc', @restore_delay = 0, @restore_mode = 0, @disconnect_users = 0, @restore_threshold = 45, "
           "@threshold_alert_enabled = 1, @history_retention_period = 5760, @overwrite = 1");
    EXPECT_EQ(b.scalar("SELECT COUNT(*) FROM msdb.dbo.sysjobs WHERE name LIKE N'LS%'"), "2");

    // Backup on the primary (started by hand), then copy and restore on the secondary.
    EXPECT_EQ(runJob(a, "LSBackup_mgc"), "1");
    std::string lastBackup = a.scalar("SELECT last_backup_file FROM msdb.dbo.log_shipping_primary_databases");
    EXPECT_TRUE(std::filesystem::exists(lastBackup)) << lastBackup;
    EXPECT_NE(lastBackup.find("mgc_"), std::string::npos);
    {
        // While the primary still writes a backup it holds it locked, as SQL Server holds its
        // backup files open without sharing: the copy job fails on it, copies nothing of it,
        // and takes it on its next run.
        int fd = ::open(lastBackup.c_str(), O_RDONLY | O_CLOEXEC);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::flock(fd, LOCK_EX), 0);
        EXPECT_EQ(runJob(b, "LSCopy_SIMA_mgc"), "0");
        EXPECT_THAT(b.scalar("SELECT TOP 1 h.message FROM msdb.dbo.sysjobhistory h JOIN msdb.dbo.sysjobs j ON j.job_id = h.job_id "
                             "WHERE j.name = N'LSCopy_SIMA_mgc' AND h.step_id = 1 ORDER BY h.instance_id DESC"),
                    ::testing::HasSubstr("being used by another process"));
        EXPECT_TRUE(std::filesystem::is_empty(copy));
        ::close(fd);
    }
    EXPECT_EQ(runJob(b, "LSCopy_SIMA_mgc"), "1");
    EXPECT_TRUE(std::filesystem::exists(copy / std::filesystem::path(lastBackup).filename()));
    EXPECT_EQ(std::filesystem::file_size(copy / std::filesystem::path(lastBackup).filename()), std::filesystem::file_size(lastBackup));
    EXPECT_EQ(runJob(b, "LSRestore_SIMA_mgc"), "1");
    auto lastLsn = a.exec("RESTORE HEADERONLY FROM DISK = N'" + lastBackup + "'").results.at(0).at(0, "LastLSN");
    EXPECT_EQ(b.scalar("SELECT f.redo_start_lsn FROM sys.master_files f WHERE f.database_id = DB_ID(N'mgc') AND f.file_id = 1"), lastLsn);

    // The simulator clock drives the schedule: 15 minutes later the backup job runs by itself.
    int before = std::stoi(jobRuns(a, "LSBackup_mgc"));
    a.exec("EXEC sp_sim_control N'clock advance 901'");
    EXPECT_TRUE(waitUntil([&] { return std::stoi(jobRuns(a, "LSBackup_mgc")) > before; }));
    auto activity = a.exec("SELECT a.start_execution_date, a.stop_execution_date FROM msdb.dbo.sysjobactivity a "
                           "JOIN msdb.dbo.sysjobs j ON j.job_id = a.job_id WHERE j.name = N'LSBackup_mgc'").results.at(0);
    EXPECT_NE(activity.at(0, "start_execution_date"), "NULL");
    EXPECT_TRUE(waitUntil([&] {
        return a.scalar("SELECT CASE WHEN a.stop_execution_date IS NULL THEN 0 ELSE 1 END FROM msdb.dbo.sysjobactivity a "
                        "JOIN msdb.dbo.sysjobs j ON j.job_id = a.job_id WHERE j.name = N'LSBackup_mgc'") == "1";
    }));
    EXPECT_EQ(runJob(b, "LSCopy_SIMA_mgc"), "1");
    EXPECT_EQ(runJob(b, "LSRestore_SIMA_mgc"), "1");

    // Save the state the way the reference says, then remove log shipping on the secondary.
    auto saved = b.exec(
        "SELECT ls.secondary_id, ls.primary_server, ls.primary_database, ls.backup_source_directory, "
        "ls.backup_destination_directory, ls.last_copied_file, ls.last_copied_date, lsd.restore_mode, lsd.disconnect_users, "
        "lsd.last_restored_file, lsd.last_restored_date FROM msdb.dbo.log_shipping_secondary ls "
        "JOIN msdb.dbo.log_shipping_secondary_databases lsd ON lsd.secondary_id = ls.secondary_id "
        "WHERE lsd.secondary_database = N'mgc'").results.at(0);
    ASSERT_EQ(saved.rows.size(), 1u);
    EXPECT_EQ(saved.at(0, "primary_server"), "SIMA");
    EXPECT_EQ(saved.at(0, "restore_mode"), "0");
    EXPECT_NE(saved.at(0, "last_restored_file"), "NULL");
    b.exec("EXEC master.dbo.sp_delete_log_shipping_secondary_database @secondary_database = N'mgc'");
    EXPECT_EQ(b.scalar("SELECT COUNT(*) FROM msdb.dbo.log_shipping_secondary_databases"), "0");
    EXPECT_EQ(b.scalar("SELECT COUNT(*) FROM msdb.dbo.log_shipping_secondary"), "0");
    EXPECT_EQ(b.scalar("SELECT COUNT(*) FROM msdb.dbo.sysjobs"), "0");
    expectError(b, "EXEC master.dbo.sp_delete_log_shipping_secondary_database @secondary_database = N'mgc'", 32010);
    b.exec("RESTORE DATABASE mgc WITH RECOVERY");
    EXPECT_EQ(b.scalar("SELECT state_desc FROM sys.databases WHERE name = N'mgc'"), "ONLINE");

    // The primary side is removed with its own procedures.
    a.exec("EXEC master.dbo.sp_delete_log_shipping_primary_secondary @primary_database = N'mgc', @secondary_server = N'SIMB', @secondary_database = N'mgc'");
    a.exec("EXEC master.dbo.sp_delete_log_shipping_primary_database @database = N'mgc'");
    EXPECT_EQ(a.scalar("SELECT COUNT(*) FROM msdb.dbo.log_shipping_primary_databases"), "0");
    EXPECT_EQ(a.scalar("SELECT COUNT(*) FROM msdb.dbo.sysjobs"), "0");
}

TEST_F(LogShippingTest, RestoreJobFailsOnAGapAndRecordsWhy) {
    auto share = dir.path() / "share";
    std::filesystem::create_directories(share);
    SimProcess secondary(dir.path() / "b", "SIMB");
    auto a = connect();
    OdbcConnection b(secondary.connectionString());
    std::string full = (share / "mgc_init.bak").string();
    a.exec("BACKUP DATABASE mgc TO DISK = N'" + full + "' WITH INIT");
    b.exec("RESTORE DATABASE mgc FROM DISK = N'" + full + "' WITH NORECOVERY");
    // A log backup taken elsewhere (not copy-only) breaks the chain: it never reaches the share.
    a.exec("BACKUP LOG mgc TO DISK = N'" + (dir.path() / "elsewhere.trn").string() + "'");
    a.exec("BACKUP LOG mgc TO DISK = N'" + (share / "mgc_20260101000000.trn").string() + "' WITH INIT");
    b.exec("DECLARE @c uniqueidentifier, @r uniqueidentifier, @s uniqueidentifier;"
           "EXEC sp_add_log_shipping_secondary_primary @primary_server = N'SIMA', @primary_database = N'mgc', "
           "@backup_source_directory = N'" + share.string() + "', @backup_destination_directory = N'" + share.string() +
           "', @copy_job_name = N'c', @restore_job_name = N'r', @copy_job_id = @c OUTPUT, @restore_job_id = @r OUTPUT, @secondary_id = @s OUTPUT;"
           "EXEC sp_add_log_shipping_secondary_database @secondary_database = N'mgc', @primary_server = N'SIMA', @primary_database = N'mgc'");
    EXPECT_EQ(runJob(b, "r"), "0");
    auto msg = b.scalar("SELECT TOP 1 h.message FROM msdb.dbo.sysjobhistory h JOIN msdb.dbo.sysjobs j ON j.job_id = h.job_id "
                        "WHERE j.name = N'r' AND h.step_id = 1 ORDER BY h.instance_id DESC");
    EXPECT_NE(msg.find("4305"), std::string::npos) << msg;
    expectError(b, "EXEC msdb.dbo.sp_start_job @job_name = N'r'; EXEC msdb.dbo.sp_start_job @job_name = N'r'", 22022);
}

}  // namespace
