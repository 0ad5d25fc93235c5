// The connection layer through the real driver: login and statement timeouts, a refused
// login, secrets kept out of errors and outputs, hostile identifiers end to end.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "estate.h"

namespace sqlserver_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A TCP port that accepts connections (the kernel completes the handshake) but never answers.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 8);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~SilentListener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(Connection, LoginTimeoutIsARetryableUnreachableError) {
  SilentListener silent;
  drkit::testing::Harness h(plugin_dirs());
  h.add_resource("dead", "sqlserver.instance",
                 {{"connection", "Driver=/usr/lib/x86_64-linux-gnu/odbc/libtdsodbc.so;Server=127.0.0.1;Port=" +
                                     std::to_string(silent.port()) + ";TDS_Version=7.4;Encryption=off"},
                  {"user", "sa"},
                  {"password", kPassword},
                  {"login_timeout", "1s"}});
  try {
    h.run("sqlserver.execute", {{"instance", "dead"}, {"sql", "SELECT 1;"}});
    FAIL() << "a server that never answers the login must time out";
  } catch (const drkit::StepError& e) {
    EXPECT_TRUE(e.retryable());
    EXPECT_EQ(e.code(), "sql.unreachable");
    EXPECT_THAT(e.what(), HasSubstr("cannot connect"));
    EXPECT_THAT(e.what(), Not(HasSubstr(kPassword)));
  }
  auto probe = h.check("sqlserver.reachable", {{"instance", "dead"}});
  EXPECT_FALSE(probe.ok);
}

TEST(Connection, StatementTimeoutCancelsTheBatchAndTheConnectionStaysUsable) {
  TempDir dir;
  SimProcess sim(dir.path(), "SLOW", {"mgc"});
  drkit::testing::Harness h(plugin_dirs());
  h.add_resource("slow", "sqlserver.instance", sim.resource({{"statement_timeout", "1s"}}));
  sim.control("fault delay 5000 count=1 match=\"FROM sys.databases\"");
  try {
    h.run("sqlserver.execute", {{"instance", "slow"}, {"sql", "SELECT name FROM sys.databases;"}});
    FAIL() << "the statement must time out";
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "sql.timeout");
    EXPECT_TRUE(e.retryable());
  }
  auto rows = sql(h, "slow", "SELECT name FROM sys.databases WHERE name = N'mgc';");
  ASSERT_EQ(rows.size(), 1u);
}

TEST(Connection, CancellationStopsARunningStatement) {
  TempDir dir;
  SimProcess sim(dir.path(), "CANCEL", {"mgc"});
  drkit::testing::Harness h(plugin_dirs());
  h.add_resource("s", "sqlserver.instance", sim.resource());
  sql(h, "s", "SELECT 1 AS one;");  // connected before the cancel is armed
  // The statement would run for a minute; the engine's cancel (SIGINT, step timeout) must stop
  // it. The execute step checks nothing itself: only a cancelled statement throws Cancelled.
  sim.control("fault delay 60000 count=1 match=\"FROM sys.databases\"");
  h.cancel_after(std::chrono::milliseconds(200));
  EXPECT_THROW(h.run("sqlserver.execute", {{"instance", "s"}, {"sql", "SELECT name FROM sys.databases;"}}),
               drkit::Cancelled);
  auto rows = sql(h, "s", "SELECT name FROM sys.databases WHERE name = N'mgc';");  // still usable
  EXPECT_EQ(rows.size(), 1u);
}

TEST(Connection, WrongPasswordIsNotRetryableAndNeverShown) {
  TempDir dir;
  SimProcess sim(dir.path(), "AUTH");
  drkit::testing::Harness h(plugin_dirs());
  h.add_resource("bad", "sqlserver.instance", sim.resource({{"password", "not-the-Secret-42"}}));
  try {
    h.run("sqlserver.execute", {{"instance", "bad"}, {"sql", "SELECT 1;"}});
    FAIL();
  } catch (const drkit::StepError& e) {
    EXPECT_FALSE(e.retryable());
    EXPECT_EQ(e.code(), "sql.18456");
    EXPECT_THAT(e.what(), HasSubstr("18456"));
    EXPECT_THAT(e.what(), Not(HasSubstr("not-the-Secret-42")));
  }
  EXPECT_THAT(h.log_text(), Not(HasSubstr("not-the-Secret-42")));
}

TEST(Connection, CredentialsInTheConnectionStringAreRefused) {
  drkit::testing::Harness h(plugin_dirs());
  h.add_resource("leaky", "sqlserver.instance", {{"connection", "Driver=FreeTDS;Server=x;PWD=hunter2"}});
  try {
    h.plan("sqlserver.recover_database", {{"instance", "leaky"}, {"database", "mgc"}});
    FAIL();
  } catch (const drkit::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("put credentials in `user` and `password`"));
  }
}

// The server's number, class and message reach the StepError. Its state does not: FreeTDS
// 1.3.17 keeps no state in the ODBC record (plugins/sqlserver/src/odbc_diagnostics.hpp), so
// the message must not claim one.
TEST(Connection, ServerErrorsKeepNumberClassAndMessage) {
  TempDir dir;
  SimProcess sim(dir.path(), "ERR", {"mgc"});
  drkit::testing::Harness h(plugin_dirs());
  h.add_resource("s", "sqlserver.instance", sim.resource());
  auto step_error = [&](const std::string& batch) -> drkit::StepError {
    try {
      sql(h, "s", batch);
    } catch (const drkit::StepError& e) {
      return e;
    }
    ADD_FAILURE() << "no error from: " << batch;
    return drkit::StepError("none");
  };

  auto missing = step_error("SELECT * FROM dbo.no_such_table;");
  EXPECT_EQ(missing.code(), "sql.208");
  EXPECT_THAT(missing.what(), HasSubstr("Msg 208, Level 16: Invalid object name 'dbo.no_such_table'."));
  EXPECT_FALSE(missing.retryable());

  // A class and a state the server did not default: the class is the one raised.
  auto raised = step_error("RAISERROR('drkit: custom failure', 14, 7);");
  EXPECT_EQ(raised.code(), "sql.50000");
  EXPECT_THAT(raised.what(), HasSubstr("Msg 50000, Level 14: drkit: custom failure"));
  EXPECT_THAT(raised.what(), Not(HasSubstr("State")));

  // Every error of the batch, the cause first: 3201 then 3013.
  auto restore = step_error("RESTORE LOG [mgc] FROM DISK = N'" + (dir.path() / "missing.trn").string() +
                            "' WITH NORECOVERY;");
  EXPECT_EQ(restore.code(), "sql.3201");
  EXPECT_THAT(restore.what(), HasSubstr("Msg 3201, Level 16: Cannot open backup device"));
  EXPECT_THAT(restore.what(), HasSubstr("; Msg 3013, Level 16: RESTORE LOG is terminating abnormally."));
}

TEST(HostileIdentifiers, BracketsQuotesAndSemicolonsSurviveAFullFailover) {
  const std::string hostile = "we]ird 'db'; DROP DATABASE [master]; --";
  Estate e(hostile);
  e.full_backup();
  e.restore_backup_norecovery();
  e.log_backup("h1.trn");
  e.log_backup("h2.trn");
  auto plan = e.h.plan("sqlserver.apply_log_backups",
                       {{"instance", "backup"}, {"database", hostile}, {"folder", e.share.string()}});
  ASSERT_EQ(plan.actions.size(), 2u);
  EXPECT_THAT(plan.actions[0], HasSubstr("RESTORE LOG [we]]ird 'db'; DROP DATABASE [master]]; --] FROM DISK"));
  auto out = e.apply();
  EXPECT_EQ(out.at("applied_count").as_int64(), 2);
  e.backup.control("session open \"" + hostile + "\" count=1");
  EXPECT_EQ(e.h.run("sqlserver.end_connections", {{"instance", "backup"}, {"database", hostile}}).at("ended").as_int64(), 1);
  EXPECT_TRUE(e.h.run("sqlserver.recover_database", {{"instance", "backup"}, {"database", hostile}}).at("recovered").as_bool());
  auto st = e.h.check("sqlserver.database_state", {{"instance", "backup"}, {"database", hostile}});
  EXPECT_EQ(st.value.as_string(), "ONLINE");
  // master is still there.
  EXPECT_EQ(e.h.check("sqlserver.database_state", {{"instance", "backup"}, {"database", "master"}}).value.as_string(),
            "ONLINE");
}

TEST(HostileIdentifiers, ControlCharactersAreRefusedBeforeAnythingRuns) {
  drkit::testing::Harness h(plugin_dirs());
  h.add_resource("x", "sqlserver.instance", {{"connection", "Driver=FreeTDS;Server=127.0.0.1;Port=1"}});
  EXPECT_THROW(h.plan("sqlserver.recover_database", {{"instance", "x"}, {"database", "a\nb"}}), drkit::ConfigError);
  EXPECT_THROW(h.plan("sqlserver.recover_database", {{"instance", "x"}, {"database", std::string(129, 'a')}}),
               drkit::ConfigError);
}

}  // namespace
}  // namespace sqlserver_test
