// BACKUP and RESTORE through files, with SQL Server's LSN rules and errors.
#include "test_util.hpp"

#include <fstream>

using namespace simtest;

namespace {

class BackupRestoreTest : public SimFixture {
protected:
    std::string file(const std::string& name) { return (dir.path() / name).string(); }
    // A full backup then `logs` log backups of mgc on instance A, with writes in between.
    std::vector<std::string> chain(OdbcConnection& a, int logs) {
        std::vector<std::string> files{file("mgc_full.bak")};
        a.exec("BACKUP DATABASE [mgc] TO DISK = N'" + files[0] + "' WITH INIT, CHECKSUM");
        for (int i = 1; i <= logs; ++i) {
            auto before = a.scalar("SELECT last_lsn FROM sim.databases WHERE name = N'mgc'");
            waitUntil([&] { return a.scalar("SELECT last_lsn FROM sim.databases WHERE name = N'mgc'") != before; });
            files.push_back(file("mgc_" + std::to_string(i) + ".trn"));
            a.exec("BACKUP LOG [mgc] TO DISK = N'" + files.back() + "' WITH INIT, CHECKSUM");
        }
        return files;
    }
};

TEST_F(BackupRestoreTest, HeaderOnlyHasSqlServersColumnsAndTypes) {
    auto a = connect();
    auto files = chain(a, 1);
    auto r = a.exec("RESTORE HEADERONLY FROM DISK = N'" + files[1] + "'").results.at(0);
    ASSERT_EQ(r.rows.size(), 1u);
    for (const char* col : {"BackupName", "BackupType", "DatabaseName", "Position", "FirstLSN", "LastLSN", "DatabaseBackupLSN",
                            "CheckpointLSN", "BackupFinishDate", "IsCopyOnly", "FirstRecoveryForkID", "RecoveryForkID",
                            "HasBackupChecksums", "BackupSetGUID", "BackupTypeDescription"})
        EXPECT_GE(r.col(col), 0) << col;
    EXPECT_EQ(r.columns[static_cast<std::size_t>(r.col("BackupType"))].type, SQL_SMALLINT);
    const auto& lsn = r.columns[static_cast<std::size_t>(r.col("FirstLSN"))];
    EXPECT_EQ(lsn.type, SQL_NUMERIC);
    EXPECT_EQ(lsn.size, 25u);
    EXPECT_EQ(lsn.digits, 0);
    EXPECT_EQ(r.columns[static_cast<std::size_t>(r.col("RecoveryForkID"))].type, SQL_GUID);
    EXPECT_EQ(r.at(0, "BackupType"), "2");
    EXPECT_EQ(r.at(0, "DatabaseName"), "mgc");
    EXPECT_EQ(r.at(0, "HasBackupChecksums"), "1");
    EXPECT_LT(std::stoll(r.at(0, "FirstLSN")), std::stoll(r.at(0, "LastLSN")));
    auto full = a.exec("RESTORE HEADERONLY FROM DISK = N'" + files[0] + "'").results.at(0);
    EXPECT_EQ(full.at(0, "BackupType"), "1");
    // The log chain: the log backup starts where the chain began, the full's checkpoint is its base.
    EXPECT_EQ(r.at(0, "DatabaseBackupLSN"), full.at(0, "CheckpointLSN"));
    EXPECT_GT(std::filesystem::file_size(files[0]), 200000u);  // a full backup has a payload
    auto fl = a.exec("RESTORE FILELISTONLY FROM DISK = N'" + files[0] + "'").results.at(0);
    ASSERT_EQ(fl.rows.size(), 2u);
    EXPECT_EQ(fl.at(0, "LogicalName"), "mgc");
    EXPECT_EQ(fl.at(1, "Type"), "L");
    auto verify = a.exec("RESTORE VERIFYONLY FROM DISK = N'" + files[1] + "' WITH CHECKSUM");
    ASSERT_FALSE(verify.messages.empty());
    EXPECT_NE(verify.messages.back().text.find("is valid"), std::string::npos);
}

TEST_F(BackupRestoreTest, LogChainRestoresOnAnotherInstanceWithTheRealErrors) {
    auto a = connect();
    auto files = chain(a, 3);
    SimProcess other(dir.path() / "b", "SIMB");
    OdbcConnection b(other.connectionString());
    b.exec("RESTORE DATABASE [mgc] FROM DISK = N'" + files[0] + "' WITH NORECOVERY, CHECKSUM");
    EXPECT_EQ(b.scalar("SELECT state_desc FROM sys.databases WHERE name = N'mgc'"), "RESTORING");
    // Skipping log 1: the next file is too recent (a gap).
    auto gap = expectError(b, "RESTORE LOG [mgc] FROM DISK = N'" + files[2] + "' WITH NORECOVERY", 4305);
    EXPECT_TRUE(gap.hasNative(3013));
    EXPECT_NE(std::string(gap.what()).find("too recent to apply"), std::string::npos);
    b.exec("RESTORE LOG [mgc] FROM DISK = N'" + files[1] + "' WITH NORECOVERY, CHECKSUM");
    // Applying log 1 again: too early.
    expectError(b, "RESTORE LOG [mgc] FROM DISK = N'" + files[1] + "' WITH NORECOVERY", 4326);
    b.exec("RESTORE LOG [mgc] FROM DISK = N'" + files[2] + "' WITH NORECOVERY");
    b.exec("RESTORE LOG [mgc] FROM DISK = N'" + files[3] + "' WITH NORECOVERY");
    auto last = a.exec("RESTORE HEADERONLY FROM DISK = N'" + files[3] + "'").results.at(0).at(0, "LastLSN");
    EXPECT_EQ(b.scalar("SELECT f.redo_start_lsn FROM sys.master_files f WHERE f.database_id = DB_ID(N'mgc') AND f.file_id = 1"), last);
    b.exec("RESTORE DATABASE [mgc] WITH RECOVERY");
    EXPECT_EQ(b.scalar("SELECT state_desc FROM sys.databases WHERE name = N'mgc'"), "ONLINE");
    // Recovery ends the restore sequence where the last log left it: the fork point, in the
    // catalog and on the control port (drills compare it with the last LSN shipped).
    EXPECT_EQ(b.scalar("SELECT fork_point_lsn FROM sys.database_recovery_status WHERE database_id = DB_ID(N'mgc')"), last);
    auto lsn = other.control("lsn mgc");
    ASSERT_EQ(lsn.size(), 1u);
    EXPECT_NE(lsn[0].find(" fork_point_lsn=" + last + " "), std::string::npos) << lsn[0];
    // Nothing can be applied after recovery.
    expectError(b, "RESTORE LOG [mgc] FROM DISK = N'" + files[3] + "' WITH NORECOVERY", 3117);
    expectError(b, "RESTORE DATABASE [mgc] WITH RECOVERY", 3153);
}

TEST_F(BackupRestoreTest, StandbyKeepsTheDatabaseReadableWithAnUndoFile) {
    auto a = connect();
    auto files = chain(a, 2);
    SimProcess other(dir.path() / "b", "SIMB");
    OdbcConnection b(other.connectionString());
    std::string tuf = file("mgc.tuf");
    b.exec("RESTORE DATABASE mgc FROM DISK = N'" + files[0] + "' WITH STANDBY = N'" + tuf + "'");
    auto r = b.exec("SELECT state_desc, is_in_standby, is_read_only FROM sys.databases WHERE name = N'mgc'").results.at(0);
    EXPECT_EQ(r.at(0, "state_desc"), "ONLINE");
    EXPECT_EQ(r.at(0, "is_in_standby"), "1");
    EXPECT_EQ(r.at(0, "is_read_only"), "1");
    EXPECT_TRUE(std::filesystem::exists(tuf));
    b.exec("RESTORE LOG mgc FROM DISK = N'" + files[1] + "' WITH STANDBY = N'" + tuf + "'");
    b.exec("RESTORE LOG mgc FROM DISK = N'" + files[2] + "' WITH RECOVERY");
    EXPECT_EQ(b.scalar("SELECT is_in_standby FROM sys.databases WHERE name = N'mgc'"), "0");
    EXPECT_FALSE(std::filesystem::exists(tuf));
}

TEST_F(BackupRestoreTest, DamagedTruncatedAndForeignFilesAreRefused) {
    auto a = connect();
    auto files = chain(a, 1);
    SimProcess other(dir.path() / "b", "SIMB");
    OdbcConnection b(other.connectionString());
    b.exec("RESTORE DATABASE mgc FROM DISK = N'" + files[0] + "' WITH NORECOVERY");
    // Flip a payload byte: the checksum catches it.
    std::string damaged = file("damaged.trn");
    std::filesystem::copy_file(files[1], damaged);
    {
        std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(damaged) - 100));
        f.put('\x5A');
    }
    expectError(b, "RESTORE LOG mgc FROM DISK = N'" + damaged + "' WITH NORECOVERY, CHECKSUM", 3189);
    // A half-written file: HEADERONLY fails too (how a caller tells an incomplete .trn).
    std::string truncated = file("truncated.trn");
    std::filesystem::copy_file(files[1], truncated);
    std::filesystem::resize_file(truncated, std::filesystem::file_size(truncated) / 2);
    expectError(b, "RESTORE HEADERONLY FROM DISK = N'" + truncated + "'", 3203);
    expectError(b, "RESTORE LOG mgc FROM DISK = N'" + truncated + "' WITH NORECOVERY", 3203);
    std::string text = file("notes.txt");
    std::ofstream(text) << "not a backup at all";
    expectError(b, "RESTORE HEADERONLY FROM DISK = N'" + text + "'", 3241);
    auto missing = expectError(b, "RESTORE LOG mgc FROM DISK = N'" + file("missing.trn") + "' WITH NORECOVERY", 3201);
    EXPECT_NE(std::string(missing.what()).find("Operating system error 2"), std::string::npos);
    // The intact file still applies.
    b.exec("RESTORE LOG mgc FROM DISK = N'" + files[1] + "' WITH NORECOVERY, CHECKSUM");
}

TEST_F(BackupRestoreTest, ReplaceMoveAndTailLogRules) {
    auto a = connect();
    auto files = chain(a, 1);
    // Writes after the last log backup: restoring over the live database needs REPLACE.
    auto before = a.scalar("SELECT last_lsn FROM sim.databases WHERE name = N'mgc'");
    waitUntil([&] { return a.scalar("SELECT last_lsn FROM sim.databases WHERE name = N'mgc'") != before; });
    expectError(a, "RESTORE DATABASE mgc FROM DISK = N'" + files[0] + "'", 3159);
    a.exec("CREATE DATABASE other");
    expectError(a, "RESTORE DATABASE other FROM DISK = N'" + files[0] + "'", 3154);
    expectError(a, "RESTORE DATABASE mgc FROM DISK = N'" + files[0] + "' WITH REPLACE, MOVE N'nope' TO N'/x.mdf'", 3234);
    a.exec("RESTORE DATABASE mgc FROM DISK = N'" + files[0] + "' WITH REPLACE, RECOVERY, MOVE N'mgc' TO N'/data/mgc2.mdf'");
    EXPECT_EQ(a.scalar("SELECT physical_name FROM sys.master_files WHERE database_id = DB_ID(N'mgc') AND file_id = 1"), "/data/mgc2.mdf");
    expectError(a, "RESTORE LOG mgc FROM DISK = N'" + files[1] + "'", 3117);
    expectError(a, "BACKUP LOG tempdb TO DISK = N'" + file("t.trn") + "'", 3147);
    a.exec("CREATE DATABASE simple_db; ALTER DATABASE simple_db SET RECOVERY SIMPLE");
    expectError(a, "BACKUP LOG simple_db TO DISK = N'" + file("s.trn") + "'", 4208);
    a.exec("CREATE DATABASE fresh");
    expectError(a, "BACKUP LOG fresh TO DISK = N'" + file("f.trn") + "'", 4214);
}

TEST_F(BackupRestoreTest, CopyOnlyLogBackupDoesNotBreakTheChainButARegularOneDoes) {
    auto a = connect();
    auto files = chain(a, 1);
    a.exec("BACKUP LOG mgc TO DISK = N'" + file("adhoc.trn") + "' WITH COPY_ONLY");
    auto next1 = file("mgc_2.trn");
    a.exec("BACKUP LOG mgc TO DISK = N'" + next1 + "' WITH INIT");
    auto h1 = a.exec("RESTORE HEADERONLY FROM DISK = N'" + files[1] + "'").results.at(0);
    auto h2 = a.exec("RESTORE HEADERONLY FROM DISK = N'" + next1 + "'").results.at(0);
    EXPECT_EQ(h2.at(0, "FirstLSN"), h1.at(0, "LastLSN"));
    auto adhoc = a.exec("RESTORE HEADERONLY FROM DISK = N'" + file("adhoc.trn") + "'").results.at(0);
    EXPECT_EQ(adhoc.at(0, "IsCopyOnly"), "1");
    // NOINIT appends a second backup set to the same file.
    a.exec("BACKUP LOG mgc TO DISK = N'" + next1 + "'");
    auto both = a.exec("RESTORE HEADERONLY FROM DISK = N'" + next1 + "'").results.at(0);
    ASSERT_EQ(both.rows.size(), 2u);
    EXPECT_EQ(both.at(1, "Position"), "2");
}

}  // namespace

namespace {

TEST_F(BackupRestoreTest, UnsupportedOptionsAreRefusedNotIgnored) {
    auto a = connect();
    std::string full = file("opt.bak");
    a.exec("BACKUP DATABASE mgc TO DISK = N'" + full + "' WITH INIT");
    auto e = expectError(a, "RESTORE DATABASE mgc_copy FROM DISK = N'" + full + "' WITH STOPAT = '2026-01-01T00:00:00'", 40000);
    EXPECT_NE(std::string(e.what()).find("STOPAT"), std::string::npos);
    expectError(a, "BACKUP DATABASE mgc TO DISK = N'" + full + "' WITH DIFFERENTIAL", 40000);
    EXPECT_EQ(a.scalar("SELECT COUNT(*) FROM sys.databases WHERE name = N'mgc_copy'"), "0");
    a.exec("RESTORE DATABASE mgc_copy FROM DISK = N'" + full + "' WITH RECOVERY, ENABLE_BROKER");
    EXPECT_EQ(a.scalar("SELECT is_broker_enabled FROM sys.databases WHERE name = N'mgc_copy'"), "1");
}

}  // namespace
