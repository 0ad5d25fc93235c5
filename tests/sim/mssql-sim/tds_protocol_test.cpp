// TDS through FreeTDS: login, result sets, types, messages, errors, packets, ATTENTION, RPC.
#include "test_util.hpp"

#include <Poco/Data/ODBC/Connector.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <cstdio>
#include <memory>

using namespace simtest;
using namespace Poco::Data::Keywords;

namespace {

class TdsTest : public SimFixture {};

TEST_F(TdsTest, LoginSucceedsAndReportsTheSessionAndServer) {
    auto c = connect();
    auto r = c.exec("SELECT @@SPID AS spid, @@SERVERNAME AS server, DB_NAME() AS db, SUSER_SNAME() AS login");
    ASSERT_EQ(r.results.size(), 1u);
    EXPECT_GE(std::stoi(r.results[0].at(0, "spid")), 51);
    EXPECT_EQ(r.results[0].at(0, "server"), "SIMA");
    EXPECT_EQ(r.results[0].at(0, "db"), "master");
    EXPECT_EQ(r.results[0].at(0, "login"), "sa");
}

TEST_F(TdsTest, DefaultEncryptionRequestFallsBackToClearText) {
    // Without Encryption=off FreeTDS asks for encryption; the server says "not supported".
    OdbcConnection c("Driver=FreeTDS;Server=127.0.0.1;Port=" + std::to_string(sim->port()) + ";UID=sa;PWD=" +
                     sim->password() + ";TDS_Version=7.4");
    EXPECT_EQ(c.scalar("SELECT 1"), "1");
}

TEST_F(TdsTest, WrongPasswordFailsWith18456) {
    try {
        OdbcConnection bad("Driver=FreeTDS;Server=127.0.0.1;Port=" + std::to_string(sim->port()) +
                           ";UID=sa;PWD=not-the-password;TDS_Version=7.4;Encryption=off");
        FAIL() << "login with a wrong password succeeded";
    } catch (const OdbcError& e) {
        EXPECT_TRUE(e.hasNative(18456)) << e.what();
        EXPECT_NE(std::string(e.what()).find("Login failed for user 'sa'."), std::string::npos) << e.what();
    }
    try {
        OdbcConnection bad("Driver=FreeTDS;Server=127.0.0.1;Port=" + std::to_string(sim->port()) +
                           ";UID=nobody;PWD=x;TDS_Version=7.4;Encryption=off");
        FAIL() << "login for an unknown user succeeded";
    } catch (const OdbcError& e) {
        EXPECT_TRUE(e.hasNative(18456)) << e.what();
    }
}

TEST_F(TdsTest, LoginDatabaseThatIsRestoringIsRefusedWith4060) {
    auto c = connect();
    c.exec("BACKUP DATABASE mgc TO DISK = N'" + (dir.path() / "f.bak").string() + "' WITH INIT");
    c.exec("RESTORE DATABASE mgc FROM DISK = N'" + (dir.path() / "f.bak").string() + "' WITH REPLACE, NORECOVERY");
    try {
        OdbcConnection bad(sim->connectionString("7.4", "Database=mgc"));
        FAIL() << "connected to a RESTORING database";
    } catch (const OdbcError& e) {
        EXPECT_TRUE(e.hasNative(4060)) << e.what();
    }
}

class TdsVersionTest : public SimFixture, public ::testing::WithParamInterface<const char*> {};

TEST_P(TdsVersionTest, EveryVersionGetsTokensItUnderstands) {
    OdbcConnection c(sim->connectionString(GetParam()));
    auto r = c.exec("SELECT CAST(7 AS bigint) AS b, N'x' AS s, CAST(12345678901234567 AS decimal(25,0)) AS lsn; "
                    "SELECT name FROM sys.databases WHERE name = N'mgc'");
    ASSERT_EQ(r.results.size(), 2u);
    EXPECT_EQ(r.results[0].at(0, "b"), "7");
    EXPECT_EQ(r.results[0].at(0, "lsn"), "12345678901234567");
    EXPECT_EQ(r.results[1].at(0, "name"), "mgc");
    // An error after a version-specific token layout must still parse.
    EXPECT_THROW(c.exec("SELECT * FROM no_such_table"), OdbcError);
    EXPECT_EQ(c.scalar("SELECT 1"), "1");
}
INSTANTIATE_TEST_SUITE_P(Versions, TdsVersionTest, ::testing::Values("7.1", "7.2", "7.3", "7.4"));

TEST_F(TdsTest, ColumnTypesAndNullsRoundTrip) {
    auto c = connect();
    auto r = c.exec(
        "SELECT CAST(1 AS int) AS i, CAST(2 AS bigint) AS bi, CAST(3 AS smallint) AS si, CAST(4 AS tinyint) AS ti, "
        "CAST(1 AS bit) AS b, N'h\u00e9llo' AS nv, CAST(34000000016000001 AS numeric(25,0)) AS d, "
        "CAST('2026-01-02 03:04:05.000' AS datetime) AS dt, CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier) AS g, "
        "CAST(NULL AS int) AS ni, CAST(NULL AS nvarchar(10)) AS ns, CAST(NULL AS datetime) AS nd");
    const auto& rs = r.results.at(0);
    EXPECT_EQ(rs.columns[0].type, SQL_INTEGER);
    EXPECT_EQ(rs.columns[1].type, SQL_BIGINT);
    EXPECT_EQ(rs.columns[2].type, SQL_SMALLINT);
    EXPECT_EQ(rs.columns[3].type, SQL_TINYINT);
    EXPECT_EQ(rs.columns[4].type, SQL_BIT);
    EXPECT_EQ(rs.columns[5].type, SQL_WVARCHAR);
    EXPECT_EQ(rs.columns[6].type, SQL_NUMERIC);
    EXPECT_EQ(rs.columns[6].size, 25u);
    EXPECT_EQ(rs.columns[7].type, SQL_TYPE_TIMESTAMP);
    EXPECT_EQ(rs.columns[8].type, SQL_GUID);
    EXPECT_EQ(rs.at(0, "i"), "1");
    EXPECT_EQ(rs.at(0, "bi"), "2");
    EXPECT_EQ(rs.at(0, "si"), "3");
    EXPECT_EQ(rs.at(0, "ti"), "4");
    EXPECT_EQ(rs.at(0, "b"), "1");
    EXPECT_EQ(rs.at(0, "nv"), "h\u00e9llo");
    EXPECT_EQ(rs.at(0, "d"), "34000000016000001");
    EXPECT_EQ(rs.at(0, "dt"), "2026-01-02 03:04:05.000");
    EXPECT_EQ(rs.at(0, "g"), "6F9619FF-8B86-D011-B42D-00C04FC964FF");
    EXPECT_EQ(rs.at(0, "ni"), "NULL");
    EXPECT_EQ(rs.at(0, "ns"), "NULL");
    EXPECT_EQ(rs.at(0, "nd"), "NULL");
}

TEST_F(TdsTest, SeveralResultSetsAndInfoMessagesInOneBatch) {
    auto c = connect();
    auto r = c.exec("PRINT N'first'; SELECT 1 AS a; SELECT 2 AS b, 3 AS c; SELECT name FROM sys.databases ORDER BY database_id DESC");
    ASSERT_EQ(r.results.size(), 3u);
    EXPECT_EQ(r.results[0].at(0, "a"), "1");
    EXPECT_EQ(r.results[1].at(0, "c"), "3");
    EXPECT_EQ(r.results[2].rows.size(), 5u);
    EXPECT_EQ(r.results[2].at(0, "name"), "mgc");
    ASSERT_FALSE(r.messages.empty());
    EXPECT_NE(r.messages[0].text.find("first"), std::string::npos);
}

TEST_F(TdsTest, ErrorsCarrySqlServerNumbersAndTexts) {
    auto c = connect();
    auto e208 = expectError(c, "SELECT * FROM dbo.no_such_table", 208);
    EXPECT_EQ(e208.firstState(), "42S02");
    EXPECT_NE(std::string(e208.what()).find("Invalid object name 'dbo.no_such_table'."), std::string::npos);
    auto e156 = expectError(c, "SELECT name FROM FROM sys.databases", 156);
    EXPECT_NE(std::string(e156.what()).find("Incorrect syntax near the keyword 'FROM'."), std::string::npos);
    expectError(c, "SELECT name FROM sys.databases WHERE (name = N'x'", 102);
    expectError(c, "SELECT @undeclared", 137);
    expectError(c, "SELECT no_such_column FROM sys.databases", 207);
    expectError(c, "EXEC dbo.sp_no_such_procedure", 2812);
    expectError(c, "USE no_such_db", 911);
    expectError(c, "SELECT 'unterminated", 105);
    expectError(c, "INSERT INTO t VALUES (1)", 156);
    // The connection is still usable after errors.
    EXPECT_EQ(c.scalar("SELECT 42"), "42");
}

TEST_F(TdsTest, TenThousandRowsArriveIntact) {
    auto c = connect();
    // A cross join of the 5-row sys.databases with itself four times and a bit: build 10,000 rows.
    c.exec("CREATE DATABASE d6; CREATE DATABASE d7; CREATE DATABASE d8; CREATE DATABASE d9; CREATE DATABASE d10");
    auto r = c.exec("SELECT a.database_id * 1000 + b.database_id * 100 + c.database_id * 10 + d.database_id AS n, "
                    "a.name AS x FROM sys.databases a CROSS JOIN sys.databases b CROSS JOIN sys.databases c "
                    "CROSS JOIN sys.databases d");
    ASSERT_EQ(r.results.size(), 1u);
    EXPECT_EQ(r.results[0].rows.size(), 10000u);
    EXPECT_EQ(r.results[0].at(0, "n"), "1111");
    EXPECT_EQ(r.results[0].at(9999, "n"), "11110");
}

TEST_F(TdsTest, BatchSpanningSeveralPacketsIsReassembled) {
    auto c = connect();
    std::string big(20000, 'x');
    auto r = c.exec("SELECT LEN(N'" + big + "') AS n, N'" + big.substr(0, 3000) + "' AS s");
    EXPECT_EQ(r.results.at(0).at(0, "n"), "20000");
    EXPECT_EQ(r.results.at(0).at(0, "s").size(), 3000u);
    // A long batch of many statements.
    std::string batch;
    for (int i = 0; i < 400; ++i) batch += "SELECT " + std::to_string(i) + " AS v;\n";
    auto many = c.exec(batch);
    ASSERT_EQ(many.results.size(), 400u);
    EXPECT_EQ(many.results[399].at(0, "v"), "399");
}

TEST_F(TdsTest, QueryTimeoutSendsAttentionAndTheConnectionStillWorks) {
    auto c = connect();
    try {
        c.exec("WAITFOR DELAY '00:00:30'", 1);
        FAIL() << "WAITFOR 30 s returned within a 1 s query timeout";
    } catch (const OdbcError& e) {
        EXPECT_EQ(e.firstState(), "HYT00") << e.what();
    }
    EXPECT_EQ(c.scalar("SELECT N'still here'"), "still here");
    // And again, with a fault-injected delay instead of WAITFOR.
    sim->control("fault delay 30000 count=1 match=slow_marker");
    EXPECT_THROW(c.exec("SELECT 1 AS slow_marker", 1), OdbcError);
    EXPECT_EQ(c.scalar("SELECT 7"), "7");
}

TEST_F(TdsTest, ManualCommitModeIsRefusedWithAClearError) {
    auto c = connect();
    SQLRETURN rc = SQLSetConnectAttr(c.handle(), SQL_ATTR_AUTOCOMMIT, reinterpret_cast<SQLPOINTER>(SQL_AUTOCOMMIT_OFF), 0);
    ASSERT_FALSE(SQL_SUCCEEDED(rc));
    auto d = diagnostics(SQL_HANDLE_DBC, c.handle());
    ASSERT_FALSE(d.empty());
    EXPECT_NE(d[0].text.find("does not support transaction manager requests"), std::string::npos) << d[0].text;
    EXPECT_EQ(c.scalar("SELECT 1"), "1");
}

TEST_F(TdsTest, PocoPreparedStatementsUseRpcWithParameters) {
    Poco::Data::ODBC::Connector::registerConnector();
    Poco::Data::Session s("ODBC", sim->connectionString());
    std::string name;
    int id = 0;
    std::string want = "mgc";
    s << "SELECT name, database_id FROM sys.databases WHERE name = ?", into(name), into(id), use(want), now;
    EXPECT_EQ(name, "mgc");
    EXPECT_EQ(id, 5);
    Poco::Data::Statement st(s);
    st << "SELECT name, state_desc FROM sys.databases ORDER BY database_id";
    st.execute();
    Poco::Data::RecordSet rs(st);
    EXPECT_EQ(rs.rowCount(), 5u);
    EXPECT_EQ(rs.value(0, 0).convert<std::string>(), "master");
    // Errors come through Poco with the server's text.
    try {
        s << "SELECT * FROM no_such_view", now;
        FAIL() << "no error";
    } catch (const Poco::Exception& e) {
        EXPECT_NE(e.displayText().find("Invalid object name 'no_such_view'"), std::string::npos) << e.displayText();
    }
}

TEST_F(TdsTest, IsqlWithExecDirectRunsABatch) {
    std::string cmd = "printf 'SELECT name FROM sys.databases WHERE database_id = 5\\n' | isql -e -b -d, -c -k \"" +
                      sim->connectionString() + "\" 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[256];
    while (fgets(buf, sizeof buf, p)) out += buf;
    int rc = pclose(p);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("mgc"), std::string::npos) << out;
}

}  // namespace
