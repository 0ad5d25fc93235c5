// The executable: invoked like pwsh, state kept in the file between processes, seeding,
// usage errors, and the lock that keeps concurrent scripts from losing changes.
#include <gmock/gmock.h>

#include <boost/json.hpp>
#include <fstream>
#include <future>
#include <sstream>

#include "sim_support.h"

namespace cssim_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class ExecutableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = run_executable({"--init-state", state_, "--pool", "pchat.contoso.com", "--server", "Primary:pc1.contoso.com",
                             "--server", "Backup:pc2.contoso.com", "--server", "Backup:pc3.contoso.com", "--active",
                             "pc1.contoso.com", "--primary-sql", "sql1.contoso.com\\PCHAT", "--backup-sql",
                             "sql2.contoso.com"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  Result script(const std::string& s) {
    return run_executable({"--state", state_, "-NoProfile", "-NonInteractive", "-Command", "-"}, s);
  }
  boost::json::object status() {
    auto r = run_executable({"--state", state_, "--status"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return boost::json::parse(r.out).as_object();
  }
  TempDir dir_;
  std::string state_ = dir_.file("cs.json");
};

TEST_F(ExecutableTest, StateChangesPersistBetweenProcesses) {
  auto r = script("Import-Module SkypeForBusiness\nSet-CsPersistentChatState -Identity 'service:pchat.contoso.com' -PoolState FailedOver\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto again = script("Import-Module SkypeForBusiness; Get-CsPersistentChatState | ForEach-Object { [string]$_.PoolState }");
  EXPECT_EQ(again.out, "FailedOver\n");
  auto s = status();
  const auto& pool = s.at("pools").as_array()[0].as_object();
  EXPECT_EQ(pool.at("pool_state").as_string(), "FailedOver");
  EXPECT_EQ(pool.at("primary_store").at("instance").as_string(), "PCHAT");
  EXPECT_EQ(s.at("history").as_array().size(), 1u);
}

TEST_F(ExecutableTest, ArgumentsAreThoseOfPwshAndTheStateCanComeFromTheEnvironment) {
  auto lower = run_executable({"--state", state_, "-noprofile", "-noni", "-c", "-"}, "'x' | ConvertTo-Json");
  EXPECT_EQ(lower.out, "\"x\"\n");
  auto inline_command = run_executable({"--state", state_, "-Command", "Get-CsPool"});
  EXPECT_EQ(inline_command.exit_code, 64);
  EXPECT_THAT(inline_command.err, HasSubstr("only '-Command -' (the script on stdin) is supported"));
  auto file = run_executable({"--state", state_, "-File", "x.ps1"});
  EXPECT_EQ(file.exit_code, 64);
  EXPECT_THAT(file.err, HasSubstr("unsupported argument '-File'"));
  ::setenv("CS_SHELL_SIM_STATE", state_.c_str(), 1);
  auto env = run_executable({"-NoProfile", "-NonInteractive", "-Command", "-"}, "Import-Module Lync; (Get-CsPool).Fqdn");
  ::unsetenv("CS_SHELL_SIM_STATE");
  EXPECT_EQ(env.out, "pchat.contoso.com\n");
  auto none = run_executable({"-Command", "-"}, "1");
  EXPECT_EQ(none.exit_code, 64);
  EXPECT_THAT(none.err, HasSubstr("no state file: pass --state FILE or set CS_SHELL_SIM_STATE"));
}

TEST_F(ExecutableTest, AMissingOrBrokenStateFileIsAClearError) {
  auto missing = run_executable({"--state", dir_.file("nope.json"), "-Command", "-"}, "1");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("seed it with: cs-shell-sim --init-state"));
  std::ofstream(dir_.file("bad.json")) << "{\"cs_shell_sim\":1,\"pools\":[{\"site\":\"x\"}]}";
  auto bad = run_executable({"--state", dir_.file("bad.json"), "-Command", "-"}, "1");
  EXPECT_THAT(bad.err, HasSubstr("pools[0].fqdn: required"));
}

TEST_F(ExecutableTest, SeedingValidatesItsOptions) {
  auto exists = run_executable({"--init-state", state_, "--pool", "p.contoso.com"});
  EXPECT_EQ(exists.exit_code, 64);
  EXPECT_THAT(exists.err, HasSubstr("exists (pass --force to overwrite)"));
  auto active = run_executable({"--init-state", dir_.file("x.json"), "--pool", "p.contoso.com", "--server",
                                "A:a.contoso.com", "--active", "b.contoso.com"});
  EXPECT_THAT(active.err, HasSubstr("--active b.contoso.com is not a --server of pool p.contoso.com"));
  auto order = run_executable({"--init-state", dir_.file("y.json"), "--site", "A"});
  EXPECT_THAT(order.err, HasSubstr("pool options must follow --pool FQDN"));
}

TEST_F(ExecutableTest, ConcurrentScriptsDoNotLoseChanges) {
  // Each adds one server; the state file lock serializes the read-modify-write.
  auto add = [&](const std::string& server) {
    return script("Import-Module SkypeForBusiness; Set-CsPersistentChatActiveServer -Identity "
                  "'PersistentChatServer:pchat.contoso.com' -ActiveServers @{Add='" + server + "'}");
  };
  auto a = std::async(std::launch::async, add, "pc2.contoso.com");
  auto b = std::async(std::launch::async, add, "pc3.contoso.com");
  EXPECT_EQ(a.get().exit_code, 0);
  EXPECT_EQ(b.get().exit_code, 0);
  std::vector<std::string> active;
  auto st = status();
  for (const auto& s : st.at("pools").as_array()[0].at("active_servers").as_array()) active.emplace_back(s.as_string());
  EXPECT_THAT(active, UnorderedElementsAre("pc1.contoso.com", "pc2.contoso.com", "pc3.contoso.com"));
}

TEST_F(ExecutableTest, ChangesBeforeAnErrorAreKeptLikeTheRealShell) {
  // A later error does not undo an earlier change (the real cmdlets have no transactions),
  // and the file stays a complete JSON document.
  auto r = script("$ErrorActionPreference = 'Stop'; Import-Module SkypeForBusiness; "
                  "Set-CsPersistentChatState -Identity 'service:pchat.contoso.com' -PoolState FailedOver; "
                  "Set-CsPersistentChatActiveServer -Identity global -ActiveServers @{Add='nope.contoso.com'}");
  EXPECT_EQ(r.exit_code, 1);
  auto s = status();
  EXPECT_EQ(s.at("pools").as_array()[0].at("pool_state").as_string(), "FailedOver");
  EXPECT_THAT(r.err, HasSubstr("Server \"nope.contoso.com\" is not a Persistent Chat server"));
}

}  // namespace
}  // namespace cssim_test
