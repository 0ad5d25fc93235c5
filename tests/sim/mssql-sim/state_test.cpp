// The per-instance state model: persistence, sessions, catalog views, principals, workload.
#include "test_util.hpp"

#include <fstream>

using namespace simtest;

namespace {

class StateTest : public SimFixture {};

TEST_F(StateTest, StateSurvivesARestart) {
    {
        auto c = connect();
        c.exec("CREATE DATABASE persisted; CREATE LOGIN chat WITH PASSWORD = N'Chat#1', CHECK_POLICY = OFF");
        c.exec("ALTER DATABASE persisted SET RECOVERY SIMPLE");
    }
    sim->restart();
    EXPECT_EQ(sim->lastExit(), 0) << sim->stderrText();
    auto c = connect();
    EXPECT_EQ(c.scalar("SELECT recovery_model_desc FROM sys.databases WHERE name = N'persisted'"), "SIMPLE");
    EXPECT_EQ(c.scalar("SELECT COUNT(*) FROM sys.server_principals WHERE name = N'chat'"), "1");
    OdbcConnection chat("Driver=FreeTDS;Server=127.0.0.1;Port=" + std::to_string(sim->port()) +
                        ";UID=chat;PWD=Chat#1;TDS_Version=7.4;Encryption=off");
    EXPECT_EQ(chat.scalar("SELECT SUSER_SNAME()"), "chat");
    // The password is not stored in clear.
    std::ifstream in(dir.path() / "a" / "data" / "state.json");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.find("Chat#1"), std::string::npos);
    EXPECT_EQ(text.find("Sim#Pass1"), std::string::npos);
}

TEST_F(StateTest, AStoppedInstanceRefusesConnectionsLikeADeadServer) {
    sim->control("stop");
    EXPECT_THROW(connect(), OdbcError);
    sim->control("start");
    auto c = connect();
    EXPECT_EQ(c.scalar("SELECT 1"), "1");
}

TEST_F(StateTest, WriteGeneratorAdvancesOnlineDatabasesAndEveryInstanceReportsLastLsn) {
    auto c = connect();
    auto first = std::stoll(c.scalar("SELECT last_lsn FROM sim.databases WHERE name = N'mgc'"));
    ASSERT_TRUE(waitUntil([&] { return std::stoll(c.scalar("SELECT last_lsn FROM sim.databases WHERE name = N'mgc'")) > first; }));
    auto master1 = c.scalar("SELECT last_lsn FROM sim.databases WHERE name = N'master'");
    auto lines = sim->control("lsn mgc");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("state=ONLINE"), std::string::npos);
    EXPECT_EQ(c.scalar("SELECT last_lsn FROM sim.databases WHERE name = N'master'"), master1);  // system databases idle
}

TEST_F(StateTest, MasterFilesShowRedoStartLsnOnlyWhileRestoring) {
    auto c = connect();
    std::string q = "SELECT d.state_desc, d.is_in_standby, d.user_access_desc, f.redo_start_lsn, f.redo_start_fork_guid "
                    "FROM sys.databases d JOIN sys.master_files f ON f.database_id = d.database_id AND f.file_id = 1 "
                    "WHERE d.name = N'mgc'";
    auto r = c.exec(q).results.at(0);
    EXPECT_EQ(r.at(0, "state_desc"), "ONLINE");
    EXPECT_EQ(r.at(0, "redo_start_lsn"), "NULL");
    EXPECT_EQ(r.columns[3].type, SQL_NUMERIC);
    std::string bak = (dir.path() / "mgc.bak").string();
    c.exec("BACKUP DATABASE [mgc] TO DISK = N'" + bak + "' WITH INIT, CHECKSUM");
    c.exec("RESTORE DATABASE [mgc] FROM DISK = N'" + bak + "' WITH REPLACE, NORECOVERY");
    r = c.exec(q).results.at(0);
    EXPECT_EQ(r.at(0, "state_desc"), "RESTORING");
    EXPECT_NE(r.at(0, "redo_start_lsn"), "NULL");
    EXPECT_NE(r.at(0, "redo_start_fork_guid"), "NULL");
    auto lastLsn = c.exec("RESTORE HEADERONLY FROM DISK = N'" + bak + "'").results.at(0).at(0, "LastLSN");
    EXPECT_EQ(r.at(0, "redo_start_lsn"), lastLsn);
}

TEST_F(StateTest, RestoreNeedsExclusiveAccess3101) {
    auto c = connect();
    std::string bak = (dir.path() / "x.bak").string();
    c.exec("BACKUP DATABASE mgc TO DISK = N'" + bak + "' WITH INIT");
    auto user = connect();
    user.exec("USE mgc");
    auto e = expectError(c, "RESTORE DATABASE mgc FROM DISK = N'" + bak + "' WITH REPLACE", 3101);
    EXPECT_TRUE(e.hasNative(3013)) << e.what();
    sim->control("session open mgc count=2 program=ChatServer");
    c.exec("ALTER DATABASE [mgc] SET SINGLE_USER WITH ROLLBACK IMMEDIATE");
    EXPECT_EQ(c.scalar("SELECT COUNT(*) FROM sys.dm_exec_sessions WHERE database_id = DB_ID(N'mgc')"), "0");
    c.exec("RESTORE DATABASE mgc FROM DISK = N'" + bak + "' WITH REPLACE");
    EXPECT_EQ(c.scalar("SELECT user_access_desc FROM sys.databases WHERE name = N'mgc'"), "MULTI_USER");
}

TEST_F(StateTest, SpWho2ListsSessions) {
    auto c = connect();
    auto other = connect();
    other.exec("USE mgc");
    auto r = c.exec("EXEC sp_who2");
    ASSERT_EQ(r.results.size(), 1u);
    EXPECT_EQ(r.results[0].rows.size(), 2u);
    EXPECT_EQ(r.results[0].columns[5].name, "DBName");
}

TEST_F(StateTest, XpDirtreeListsFilesAndDirectories) {
    std::filesystem::create_directories(dir.path() / "share" / "sub");
    std::ofstream(dir.path() / "share" / "mgc_20260101000000.trn") << "x";
    auto c = connect();
    auto r = c.exec("EXEC master.sys.xp_dirtree N'" + (dir.path() / "share").string() + "', 1, 1").results.at(0);
    ASSERT_EQ(r.rows.size(), 2u);
    EXPECT_EQ(r.at(0, "subdirectory"), "mgc_20260101000000.trn");
    EXPECT_EQ(r.at(0, "file"), "1");
    EXPECT_EQ(r.at(1, "subdirectory"), "sub");
    EXPECT_EQ(r.at(1, "file"), "0");
    EXPECT_EQ(c.exec("EXEC xp_dirtree N'/no/such/dir', 1, 1").results.at(0).rows.size(), 0u);
}

TEST_F(StateTest, OrphanedUsersAfterRestoreOnAnotherInstanceAndTheirFix) {
    auto c = connect();
    c.exec("CREATE LOGIN chat WITH PASSWORD = N'Chat#1'");
    c.exec("USE mgc; CREATE USER chat FOR LOGIN chat");
    std::string bak = (dir.path() / "users.bak").string();
    c.exec("USE master; BACKUP DATABASE mgc TO DISK = N'" + bak + "' WITH INIT");
    SimProcess other(dir.path() / "b", "SIMB");
    OdbcConnection b(other.connectionString());
    b.exec("RESTORE DATABASE mgc FROM DISK = N'" + bak + "' WITH RECOVERY");
    std::string orphans = "SELECT dp.name FROM mgc.sys.database_principals dp LEFT JOIN sys.server_principals sp ON sp.sid = dp.sid "
                          "WHERE dp.type = N'S' AND dp.sid IS NOT NULL AND dp.name NOT IN (N'guest', N'dbo') AND sp.sid IS NULL";
    auto r = b.exec(orphans).results.at(0);
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.at(0, "name"), "chat");
    EXPECT_EQ(b.scalar("SELECT is_broker_enabled FROM sys.databases WHERE name = N'mgc'"), "0");
    b.exec("CREATE LOGIN chat WITH PASSWORD = N'Other#2'");
    expectError(b, "USE mgc; ALTER USER nobody WITH LOGIN = chat", 15151);
    b.exec("USE mgc; ALTER USER [chat] WITH LOGIN = [chat]");
    EXPECT_EQ(b.exec(orphans).results.at(0).rows.size(), 0u);
    b.exec("ALTER DATABASE mgc SET ENABLE_BROKER");
    EXPECT_EQ(b.scalar("SELECT is_broker_enabled FROM sys.databases WHERE name = N'mgc'"), "1");
}

}  // namespace
