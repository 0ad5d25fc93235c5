// The control interface: fault injection (fail, drop, delay), over the endpoint and over TDS.
#include "test_util.hpp"

using namespace simtest;

namespace {

class ControlTest : public SimFixture {};

TEST_F(ControlTest, FailTheNextStatementsWithAGivenError) {
    auto c = connect();
    sim->control("fault fail 4305 count=2 match='RESTORE LOG' message='The log in this backup set begins at LSN 1, which is too recent to apply to the database.'");
    auto e = expectError(c, "RESTORE LOG mgc FROM DISK = N'/nowhere.trn'", 4305);
    EXPECT_NE(std::string(e.what()).find("too recent"), std::string::npos);
    expectError(c, "RESTORE LOG mgc FROM DISK = N'/nowhere.trn'", 4305);
    // Used up: the real error comes back.
    expectError(c, "RESTORE LOG mgc FROM DISK = N'/nowhere.trn'", 3201);
    // Statements that do not match are untouched.
    sim->control("fault fail 1205 severity=13 count=* match=sys.databases");
    EXPECT_EQ(c.scalar("SELECT 5"), "5");
    expectError(c, "SELECT name FROM sys.databases", 1205);
    auto list = sim->control("fault list");
    ASSERT_EQ(list.size(), 1u);
    EXPECT_NE(list[0].find("1205"), std::string::npos);
    sim->control("fault clear");
    EXPECT_EQ(c.scalar("SELECT COUNT(*) FROM sys.databases"), "5");
}

TEST_F(ControlTest, DropTheConnectionMidStatement) {
    auto c = connect();
    c.exec("EXEC sp_sim_control N'fault drop count=1 match=drop_me'");
    try {
        c.exec("SELECT 1 AS drop_me");
        FAIL() << "the connection was not dropped";
    } catch (const OdbcError& e) {
        // FreeTDS reports the lost connection as "Unexpected EOF from the server" (20017).
        EXPECT_TRUE(e.hasNative(20017) || e.firstState().substr(0, 2) == "08") << e.what();
    }
    EXPECT_THROW(c.exec("SELECT 1"), OdbcError);
    auto fresh = connect();
    EXPECT_EQ(fresh.scalar("SELECT 1 AS drop_me"), "1");
}

TEST_F(ControlTest, UnknownControlCommandsSayWhatToDo) {
    try {
        sim->control("frobnicate");
        FAIL();
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("try 'help'"), std::string::npos);
    }
    auto c = connect();
    auto r = c.exec("EXEC sp_sim_control N'status'").results.at(0);
    EXPECT_NE(r.at(0, "output").find("state=running"), std::string::npos);
    auto sessions = c.exec("EXEC sp_sim_control N'session open mgc count=3'").results.at(0);
    EXPECT_EQ(sessions.rows.size(), 3u);
    EXPECT_EQ(c.scalar("SELECT COUNT(*) FROM sys.dm_exec_sessions WHERE database_id = DB_ID(N'mgc')"), "3");
}

TEST_F(ControlTest, SigtermShutsDownCleanly) {
    sim->stop();
    EXPECT_EQ(sim->lastExit(), 0) << sim->stderrText();
    sim->start();
    auto c = connect();
    EXPECT_EQ(c.scalar("SELECT DB_ID(N'mgc')"), "5");
}

}  // namespace

namespace {

TEST_F(ControlTest, ADroppedStatementStillTookEffect) {
    auto c = connect();
    sim->control("fault drop count=1 match='CREATE DATABASE'");
    EXPECT_THROW(c.exec("CREATE DATABASE made_before_the_drop"), OdbcError);
    auto fresh = connect();
    EXPECT_EQ(fresh.scalar("SELECT COUNT(*) FROM sys.databases WHERE name = N'made_before_the_drop'"), "1");
}

}  // namespace
