// The T-SQL recognizer: lexing rules, statement shapes of the reference, and the kill pattern.
#include "test_util.hpp"

#include "engine/sql_error.hpp"
#include "sql/lexer.hpp"
#include "sql/parser.hpp"

using namespace simtest;
namespace sql = mssql_sim::sql;

namespace {

TEST(TsqlLexer, QuotedIdentifiersStringsAndCommentsFollowTsqlRules) {
    auto t = sql::tokenize("SELECT [a]]b], \"c\"\"d\", N'it''s', 'x' -- comment ' ]\n /* outer /* nested */ still */ @v, @@SPID");
    ASSERT_GE(t.size(), 10u);
    EXPECT_EQ(t[1].kind, sql::Tok::QuotedId);
    EXPECT_EQ(t[1].text, "a]b");
    EXPECT_EQ(t[3].kind, sql::Tok::QuotedId);
    EXPECT_EQ(t[3].text, "c\"d");
    EXPECT_EQ(t[5].kind, sql::Tok::String);
    EXPECT_TRUE(t[5].unicode);
    EXPECT_EQ(t[5].text, "it's");
    EXPECT_FALSE(t[7].unicode);
    EXPECT_EQ(t[8].kind, sql::Tok::Variable);
    EXPECT_EQ(t[10].kind, sql::Tok::GlobalVar);
    EXPECT_THROW(sql::tokenize("SELECT 'open"), mssql_sim::SqlError);
    EXPECT_THROW(sql::tokenize("SELECT /* open"), mssql_sim::SqlError);
}

TEST(TsqlParser, RecognizesTheReferenceStatements) {
    auto b = sql::parseBatch(
        "exec master.dbo.sp_delete_log_shipping_secondary_database @secondary_database = N'mgc';"
        "Restore Log [mgc] From Disk = N'/x/mgc_1.trn' With NoRecovery, Checksum;"
        "RESTORE DATABASE [mgc] WITH RECOVERY;"
        "BACKUP DATABASE [mgc] TO DISK = N'/s/mgc.bak' WITH INIT, CHECKSUM;"
        "ALTER DATABASE [mgc] SET PARTNER = 'TCP://127.0.0.1:5022';"
        "ALTER DATABASE [mgc] SET SINGLE_USER WITH ROLLBACK IMMEDIATE;"
        "ALTER USER [chat] WITH LOGIN = [chat];"
        "RESTORE DATABASE mgc FROM DISK = N'/s/mgc.bak' WITH REPLACE, RECOVERY, MOVE N'mgc' TO N'/d/mgc.mdf'");
    ASSERT_EQ(b.size(), 8u);
    EXPECT_EQ(b[0]->k, sql::Stmt::K::Exec);
    EXPECT_EQ(b[0]->name.back(), "sp_delete_log_shipping_secondary_database");
    EXPECT_EQ(b[0]->args.at(0).name, "@secondary_database");
    EXPECT_EQ(b[1]->k, sql::Stmt::K::Restore);
    EXPECT_EQ(b[1]->what, "LOG");
    EXPECT_EQ(b[1]->options.size(), 2u);
    EXPECT_EQ(b[2]->devices.size(), 0u);
    EXPECT_EQ(b[4]->what, "PARTNER");
    EXPECT_EQ(b[5]->words.at(0), "ROLLBACK IMMEDIATE");
    EXPECT_EQ(b[7]->options.back().name, "MOVE");
}

TEST(TsqlParser, UnknownStatementsAreSyntaxErrors) {
    auto number = [](const std::string& text) {
        try {
            sql::parseBatch(text);
        } catch (const mssql_sim::SqlError& e) {
            return e.message().number;
        }
        return 0;
    };
    EXPECT_EQ(number("UPDATE t SET a = 1"), 156);
    EXPECT_EQ(number("SELECT 1; FROB the database"), 102);
    EXPECT_EQ(number("SELECT (1"), 102);
    EXPECT_EQ(number("ALTER DATABASE mgc SET FLY_AWAY"), 102);
}

class TsqlWire : public SimFixture {};

TEST_F(TsqlWire, KillPatternEndsEveryOtherSessionInTheDatabase) {
    auto victim1 = connect();
    auto victim2 = connect();
    victim1.exec("USE mgc");
    victim2.exec("USE [mgc]");
    auto admin = connect();
    EXPECT_EQ(admin.scalar("SELECT COUNT(*) FROM sys.dm_exec_sessions WHERE database_id = DB_ID(N'mgc')"), "2");
    admin.exec(
        "DECLARE @k nvarchar(max)=N''; SELECT @k += N'KILL ' + CAST(session_id AS nvarchar(10)) + N';' "
        "FROM sys.dm_exec_sessions WHERE database_id = DB_ID(N'mgc') AND session_id <> @@SPID; EXEC(@k);");
    EXPECT_EQ(admin.scalar("SELECT COUNT(*) FROM sys.dm_exec_sessions WHERE database_id = DB_ID(N'mgc')"), "0");
    // The killed sessions' connections are gone.
    EXPECT_THROW(victim1.exec("SELECT 1"), OdbcError);
    expectError(admin, "KILL @@SPID", 6104);
    expectError(admin, "KILL 9999", 6106);
}

TEST_F(TsqlWire, ExecWithNamedParametersAndOutputAssignsVariables) {
    auto c = connect();
    auto r = c.exec(
        "DECLARE @sid int, @uid uniqueidentifier, @rc int;\n"
        "EXEC @rc = msdb.dbo.sp_add_schedule @schedule_name = N'every 5 minutes', @enabled = 1, @freq_type = 4, "
        "@freq_interval = 1, @freq_subday_type = 4, @freq_subday_interval = 5, @schedule_uid = @uid OUTPUT, "
        "@schedule_id = @sid OUTPUT;\n"
        "SELECT @sid AS sid, @rc AS rc, CASE WHEN @uid IS NULL THEN 0 ELSE 1 END AS has_uid");
    ASSERT_FALSE(r.results.empty());
    EXPECT_EQ(r.results.back().at(0, "sid"), "1");
    EXPECT_EQ(r.results.back().at(0, "rc"), "0");
    EXPECT_EQ(r.results.back().at(0, "has_uid"), "1");
    expectError(c, "EXEC msdb.dbo.sp_add_schedule @no_such_parameter = 1", 8145);
    expectError(c, "EXEC msdb.dbo.sp_start_job @job_name = N'no such job'", 14262);
}

TEST_F(TsqlWire, BracketedNamesWithEscapesAndCaseInsensitiveKeywords) {
    auto c = connect();
    c.exec("create database [we]]ird]");
    EXPECT_EQ(c.scalar("select NAME from SYS.DATABASES where name = N'we]ird'"), "we]ird");
    EXPECT_EQ(c.scalar("SeLeCt DB_ID(N'we]ird') /* comment */ -- trailing"), "6");
    EXPECT_EQ(c.scalar("SELECT N'it''s' AS [the ]]value]"), "it's");
    auto r = c.exec("SELECT TOP (2) d.name AS [db name] FROM sys.databases AS d WHERE d.name LIKE N'm[gs]%' ORDER BY d.name DESC");
    ASSERT_EQ(r.results.at(0).rows.size(), 2u);
    EXPECT_EQ(r.results[0].columns[0].name, "db name");
    EXPECT_EQ(r.results[0].at(0, "db name"), "msdb");
    EXPECT_EQ(r.results[0].at(1, "db name"), "mgc");
}

TEST_F(TsqlWire, IfExistsAndVariablesWork) {
    auto c = connect();
    auto r = c.exec(
        "DECLARE @n int = 0;\n"
        "IF EXISTS (SELECT 1 FROM sys.databases WHERE name = N'mgc') SET @n = 1 ELSE SET @n = 2;\n"
        "IF DB_ID(N'nope') IS NULL BEGIN SET @n += 10; END\n"
        "SELECT @n AS n");
    EXPECT_EQ(r.results.back().at(0, "n"), "11");
}

}  // namespace
