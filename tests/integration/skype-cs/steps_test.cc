// Every step against the real simulator: the change, the read-back, idempotence, the exact
// plan, and failures carrying the cmdlet's own message.
#include <gmock/gmock.h>

#include "cs_support.h"

namespace skype_cs_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const char* kPool = "pchat.contoso.com";

class StepsTest : public CsFixture {};

TEST_F(StepsTest, SetPoolStateUsesTheIdentityGetReturnsAndIsIdempotent) {
  // Only this literal is accepted by -Identity: the step must read it, not build it.
  reseed({"--state-identity", "PersistentChatServer:pchat.contoso.com"});
  auto out = h_.run("skype-cs.set_pool_state", {{"shell", "cs"}, {"pool_fqdn", kPool}, {"state", "FailedOver"}});
  EXPECT_EQ(out.at("identity").as_string(), "PersistentChatServer:pchat.contoso.com");
  EXPECT_EQ(out.at("pool_state").as_string(), "FailedOver");
  EXPECT_EQ(out.at("previous_state").as_string(), "Normal");
  EXPECT_TRUE(out.at("changed").as_bool());
  EXPECT_EQ(pool_state(), "FailedOver");
  EXPECT_THAT(history(), ElementsAre("Set-CsPersistentChatState PersistentChatServer:pchat.contoso.com: Normal -> FailedOver"));

  auto again = h_.run("skype-cs.set_pool_state", {{"shell", "cs"}, {"pool_fqdn", kPool}, {"state", "FailedOver"}});
  EXPECT_FALSE(again.at("changed").as_bool());
  EXPECT_THAT(history(), SizeIs(1));
  auto plan = h_.plan("skype-cs.set_pool_state", {{"shell", "cs"}, {"pool_fqdn", kPool}, {"state", "FailedOver"}});
  EXPECT_TRUE(plan.no_op);
  EXPECT_THAT(plan.summary, HasSubstr("already FailedOver"));

  auto back = h_.run("skype-cs.set_pool_state", {{"shell", "cs"}, {"pool_fqdn", kPool}, {"state", "Normal"}});
  EXPECT_TRUE(back.at("changed").as_bool());
  EXPECT_EQ(pool_state(), "Normal");
}

TEST_F(StepsTest, SetPoolStatePlanIsTheExactScriptAndChangesNothing) {
  auto plan = h_.plan("skype-cs.set_pool_state", {{"shell", "cs"}, {"pool_fqdn", kPool}, {"state", "FailedOver"}});
  EXPECT_FALSE(plan.no_op);
  EXPECT_THAT(plan.summary, HasSubstr("(now Normal)"));
  ASSERT_THAT(plan.actions, SizeIs(1));
  EXPECT_EQ(plan.actions[0],
            "$ErrorActionPreference = 'Stop'; try { Import-Module SkypeForBusiness; "
            "Set-CsPersistentChatState -Identity 'service:PersistentChatServer:pchat.contoso.com' "
            "-PoolState 'FailedOver' -Force; "
            "Get-CsPersistentChatState -Identity 'service:PersistentChatServer:pchat.contoso.com' | "
            "ForEach-Object { [pscustomobject]@{ Identity = [string]$_.Identity; PoolState = [string]$_.PoolState } } | "
            "ConvertTo-Json -Depth 4 -Compress } catch { [Console]::Error.WriteLine($_.Exception.Message); "
            "[Console]::Out.WriteLine('DRKIT-SCRIPT-FAILED'); exit 1 }\n");
  EXPECT_EQ(pool_state(), "Normal");
  EXPECT_THAT(history(), IsEmpty());
  // The plan is what run() sends: pasted into the shell, it does the change.
  Output o = sim(state_, plan.actions[0]);
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, "{\"Identity\":\"service:PersistentChatServer:pchat.contoso.com\",\"PoolState\":\"FailedOver\"}\n");
  EXPECT_EQ(pool_state(), "FailedOver");
}

TEST_F(StepsTest, SetPoolStateWithAnIdentityTheShellRejectsFailsWithTheCmdletsMessage) {
  reseed({"--state-identity", "PersistentChatServer:pchat.contoso.com"});
  auto e = expect_step_error([&] {
    h_.run("skype-cs.set_pool_state", {{"shell", "cs"}, {"identity", "service:pchat.contoso.com"}, {"state", "FailedOver"}});
  });
  EXPECT_EQ(e.code(), "cs.cmdlet_failed");
  EXPECT_FALSE(e.retryable());
  EXPECT_THAT(e.what(), HasSubstr("Set-CsPersistentChatState failed on shell 'cs': Cannot find \"PersistentChatState\" "
                                  "\"service:pchat.contoso.com\" because it does not exist."));
  EXPECT_EQ(pool_state(), "Normal");
}

TEST_F(StepsTest, SetPoolStateForAnUnknownPoolNamesWhatTheShellLists) {
  auto e = expect_step_error([&] {
    h_.run("skype-cs.set_pool_state", {{"shell", "cs"}, {"pool_fqdn", "other.contoso.com"}, {"state", "FailedOver"}});
  });
  EXPECT_EQ(e.code(), "cs.pool_not_found");
  EXPECT_THAT(e.what(), HasSubstr("lists no pool other.contoso.com (it lists: service:PersistentChatServer:pchat.contoso.com)"));
}

TEST_F(StepsTest, SetPoolStateNeedsAPoolOrAnIdentity) {
  EXPECT_THROW(h_.run("skype-cs.set_pool_state", {{"shell", "cs"}, {"state", "Normal"}}), drkit::ConfigError);
  EXPECT_THROW(h_.run("skype-cs.set_pool_state", {{"shell", "cs"}, {"pool_fqdn", kPool}, {"state", "Down"}}),
               drkit::ConfigError);
}

TEST_F(StepsTest, SetActiveServersSendsOnlyTheDifferenceAndIsIdempotent) {
  boost::json::object with{{"shell", "cs"}, {"pool_fqdn", kPool},
                           {"servers", boost::json::array{"pc2.contoso.com", "pc3.contoso.com"}}};
  auto plan = h_.plan("skype-cs.set_active_servers", with);
  ASSERT_THAT(plan.actions, SizeIs(1));
  EXPECT_THAT(plan.actions[0], HasSubstr("Set-CsPersistentChatActiveServer -Identity 'PersistentChatServer:pchat.contoso.com' "
                                         "-ActiveServers @{Add='pc3.contoso.com'; Remove='pc1.contoso.com'}"));
  auto out = h_.run("skype-cs.set_active_servers", with);
  EXPECT_THAT(strings_of(out.at("added")), ElementsAre("pc3.contoso.com"));
  EXPECT_THAT(strings_of(out.at("removed")), ElementsAre("pc1.contoso.com"));
  EXPECT_THAT(strings_of(out.at("active_servers")), ElementsAre("pc2.contoso.com", "pc3.contoso.com"));
  EXPECT_TRUE(out.at("verified").as_bool());
  EXPECT_THAT(active_servers(), ElementsAre("pc2.contoso.com", "pc3.contoso.com"));

  auto again = h_.run("skype-cs.set_active_servers", with);
  EXPECT_FALSE(again.at("changed").as_bool());
  EXPECT_THAT(history(), SizeIs(1));
  EXPECT_TRUE(h_.plan("skype-cs.set_active_servers", with).no_op);
}

TEST_F(StepsTest, SetActiveServersClearsWithNull) {
  auto plan = h_.plan("skype-cs.set_active_servers", {{"shell", "cs"}, {"pool_fqdn", kPool}, {"clear", true}});
  EXPECT_THAT(plan.actions.at(0), HasSubstr("-ActiveServers $null;"));
  auto out = h_.run("skype-cs.set_active_servers", {{"shell", "cs"}, {"pool_fqdn", kPool}, {"clear", true}});
  EXPECT_TRUE(out.at("changed").as_bool());
  EXPECT_THAT(active_servers(), IsEmpty());
  auto again = h_.run("skype-cs.set_active_servers", {{"shell", "cs"}, {"pool_fqdn", kPool}, {"clear", true}});
  EXPECT_FALSE(again.at("changed").as_bool());
  // And back, from an empty list: everything is an Add.
  auto up = h_.run("skype-cs.set_active_servers",
                   {{"shell", "cs"}, {"identity", "PersistentChatServer:pchat.contoso.com"},
                    {"servers", boost::json::array{"pc3.contoso.com", "pc4.contoso.com"}}});
  EXPECT_THAT(strings_of(up.at("added")), ElementsAre("pc3.contoso.com", "pc4.contoso.com"));
  EXPECT_THAT(active_servers(), ElementsAre("pc3.contoso.com", "pc4.contoso.com"));
}

TEST_F(StepsTest, SetActiveServersReplacesTheListWhenItCannotBeReadForTheIdentity) {
  // Lync 2013 uses the identity "global", which Get-CsService does not list.
  boost::json::object with{{"shell", "cs"}, {"identity", "global"},
                           {"servers", boost::json::array{"pc3.contoso.com", "pc4.contoso.com"}}};
  auto plan = h_.plan("skype-cs.set_active_servers", with);
  EXPECT_THAT(plan.actions.at(0), HasSubstr("Set-CsPersistentChatActiveServer -Identity 'global' -ActiveServers $null; "
                                            "Set-CsPersistentChatActiveServer -Identity 'global' -ActiveServers "
                                            "@{Add='pc3.contoso.com','pc4.contoso.com'}"));
  auto out = h_.run("skype-cs.set_active_servers", with);
  EXPECT_FALSE(out.at("verified").as_bool());
  EXPECT_THAT(active_servers(), ElementsAre("pc3.contoso.com", "pc4.contoso.com"));
}

TEST_F(StepsTest, SetActiveServersWithAServerOutsideThePoolFailsWithTheCmdletsMessage) {
  auto e = expect_step_error([&] {
    h_.run("skype-cs.set_active_servers",
           {{"shell", "cs"}, {"pool_fqdn", kPool}, {"servers", boost::json::array{"pc9.contoso.com"}}});
  });
  EXPECT_EQ(e.code(), "cs.cmdlet_failed");
  EXPECT_THAT(e.what(), HasSubstr("Server \"pc9.contoso.com\" is not a Persistent Chat server of pool \"pchat.contoso.com\"."));
  EXPECT_THAT(active_servers(), ElementsAre("pc1.contoso.com", "pc2.contoso.com"));
}

TEST_F(StepsTest, SetActiveServersNeedsServersOrClear) {
  EXPECT_THROW(h_.run("skype-cs.set_active_servers", {{"shell", "cs"}, {"pool_fqdn", kPool}}), drkit::ConfigError);
  EXPECT_THROW(h_.run("skype-cs.set_active_servers",
                      {{"shell", "cs"}, {"pool_fqdn", kPool}, {"clear", true},
                       {"servers", boost::json::array{"pc1.contoso.com"}}}),
               drkit::ConfigError);
}

TEST_F(StepsTest, InstallMirrorDatabaseOnTheBackupAfterFailoverIsIdempotent) {
  h_.run("skype-cs.set_pool_state", {{"shell", "cs"}, {"pool_fqdn", kPool}, {"state", "FailedOver"}});
  boost::json::object with{{"shell", "cs"}, {"sql_server_fqdn", "sql2.contoso.com"},
                           {"file_share", "\\\\fs.contoso.com\\pchat"}, {"pool_fqdn", kPool},
                           {"report", dir_.file("mirror-report.txt")}};
  auto plan = h_.plan("skype-cs.install_mirror_database", with);
  EXPECT_FALSE(plan.no_op);
  EXPECT_THAT(plan.actions.at(0), HasSubstr("Install-CsMirrorDatabase -DatabaseType 'PersistentChat' -SqlServerFqdn "
                                            "'sql2.contoso.com' -FileShare '\\\\fs.contoso.com\\pchat' -Report '"));
  auto out = h_.run("skype-cs.install_mirror_database", with);
  EXPECT_TRUE(out.at("changed").as_bool());
  EXPECT_EQ(out.at("principal").as_string(), "Primary");
  auto mirrors = state().at("mirror_databases").as_array();
  ASSERT_THAT(mirrors, SizeIs(1));
  EXPECT_EQ(mirrors[0].at("sql_fqdn").as_string(), "sql2.contoso.com");
  EXPECT_THAT(read_text(dir_.file("mirror-report.txt")), HasSubstr("on sql2m.contoso.com"));

  auto again = h_.run("skype-cs.install_mirror_database", with);
  EXPECT_FALSE(again.at("changed").as_bool());
  EXPECT_TRUE(h_.plan("skype-cs.install_mirror_database", with).no_op);
  // The primary's store is not the pool's current one: its mirror state does not count.
  auto primary = h_.plan("skype-cs.install_mirror_database",
                         {{"shell", "cs"}, {"sql_server_fqdn", "sql1.contoso.com"},
                          {"file_share", "\\\\fs.contoso.com\\pchat"}, {"pool_fqdn", kPool}});
  EXPECT_FALSE(primary.no_op);
}

TEST_F(StepsTest, InstallMirrorDatabaseWithoutTheCheckFailsTheSecondTimeWithTheCmdletsMessage) {
  boost::json::object with{{"shell", "cs"}, {"sql_server_fqdn", "sql1.contoso.com"},
                           {"file_share", "\\\\fs.contoso.com\\pchat"}};
  EXPECT_TRUE(h_.run("skype-cs.install_mirror_database", with).at("changed").as_bool());
  auto e = expect_step_error([&] { h_.run("skype-cs.install_mirror_database", with); });
  EXPECT_THAT(e.what(), HasSubstr("The database \"mgc\" already exists on the mirror SQL Server \"sql1m.contoso.com\". "
                                  "Use -DropExistingDatabasesOnMirror to replace it."));
  with["drop_existing"] = true;
  EXPECT_TRUE(h_.run("skype-cs.install_mirror_database", with).at("changed").as_bool());
  EXPECT_THAT(history(), SizeIs(2));
}

TEST_F(StepsTest, InvokeDatabaseFailoverMovesThePrincipalAndIsIdempotent) {
  h_.run("skype-cs.install_mirror_database", {{"shell", "cs"}, {"sql_server_fqdn", "sql1.contoso.com"},
                                              {"file_share", "\\\\fs.contoso.com\\pchat"}, {"pool_fqdn", kPool}});
  boost::json::object with{{"shell", "cs"}, {"pool_fqdn", kPool}, {"new_principal", "Mirror"}};
  auto plan = h_.plan("skype-cs.invoke_database_failover", with);
  EXPECT_THAT(plan.actions.at(0), HasSubstr("Invoke-CsDatabaseFailover -PoolFqdn 'pchat.contoso.com' -DatabaseType "
                                            "'PersistentChat' -NewPrincipal 'Mirror' -Force;"));
  auto out = h_.run("skype-cs.invoke_database_failover", with);
  EXPECT_EQ(out.at("principal").as_string(), "Mirror");
  EXPECT_EQ(out.at("previous_principal").as_string(), "Primary");
  EXPECT_EQ(state().at("mirror_databases").as_array()[0].at("principal").as_string(), "Mirror");
  EXPECT_FALSE(h_.run("skype-cs.invoke_database_failover", with).at("changed").as_bool());
  with["new_principal"] = "Primary";
  EXPECT_TRUE(h_.run("skype-cs.invoke_database_failover", with).at("changed").as_bool());
  EXPECT_EQ(state().at("mirror_databases").as_array()[0].at("principal").as_string(), "Primary");
}

TEST_F(StepsTest, InvokeDatabaseFailoverWithoutMirroringFailsWithTheCmdletsMessage) {
  auto e = expect_step_error([&] {
    h_.run("skype-cs.invoke_database_failover", {{"shell", "cs"}, {"pool_fqdn", kPool}, {"new_principal", "Mirror"}});
  });
  EXPECT_THAT(e.what(), HasSubstr("Invoke-CsDatabaseFailover failed on shell 'cs': Database mirroring is not set up for "
                                  "the PersistentChat database of pool \"pchat.contoso.com\""));
}

TEST_F(StepsTest, InvokeRunsACmdletWithTypedParameters) {
  auto plan = h_.plan("skype-cs.invoke", {{"shell", "cs"}, {"cmdlet", "Set-CsPersistentChatState"},
                                          {"parameters", {{"Identity", "PersistentChatServer:pchat.contoso.com"},
                                                          {"PoolState", "FailedOver"}, {"Force", true}}}});
  EXPECT_THAT(plan.actions.at(0), HasSubstr("Set-CsPersistentChatState -Identity 'PersistentChatServer:pchat.contoso.com' "
                                            "-PoolState 'FailedOver' -Force | ConvertTo-Json -Depth 4 -Compress"));
  auto out = h_.run("skype-cs.invoke", {{"shell", "cs"}, {"cmdlet", "Set-CsPersistentChatState"},
                                        {"parameters", {{"Identity", "PersistentChatServer:pchat.contoso.com"},
                                                        {"PoolState", "FailedOver"}, {"Force", true}}}});
  EXPECT_TRUE(out.at("result").is_null());
  EXPECT_EQ(pool_state(), "FailedOver");

  auto list = h_.run("skype-cs.invoke", {{"shell", "cs"}, {"cmdlet", "Set-CsPersistentChatActiveServer"},
                                         {"parameters", {{"Identity", "PersistentChatServer:pchat.contoso.com"},
                                                         {"ActiveServers", {{"Add", boost::json::array{"pc3.contoso.com"}},
                                                                            {"Remove", "pc1.contoso.com"}}}}}});
  EXPECT_THAT(active_servers(), ElementsAre("pc2.contoso.com", "pc3.contoso.com"));

  auto pool = h_.run("skype-cs.invoke", {{"shell", "cs"}, {"cmdlet", "Get-CsPool"}, {"parameters", {{"Identity", kPool}}}});
  EXPECT_EQ(pool.at("result").at("Fqdn").as_string(), kPool);
  // 5.1's ConvertTo-Json writes enums as numbers: the raw escape hatch shows it.
  auto raw = h_.run("skype-cs.invoke", {{"shell", "cs"}, {"cmdlet", "Get-CsPersistentChatState"}});
  EXPECT_EQ(raw.at("result").at("PoolState").as_int64(), 1);
}

TEST_F(StepsTest, MutatingStepsAreRefusedInDryRun) {
  h_.set_dry_run(true);
  EXPECT_THROW(h_.run("skype-cs.invoke", {{"shell", "cs"}, {"cmdlet", "Get-CsPool"}}), drkit::ConfigError);
  EXPECT_THROW(h_.run("skype-cs.set_pool_state", {{"shell", "cs"}, {"pool_fqdn", kPool}, {"state", "FailedOver"}}),
               drkit::ConfigError);
  EXPECT_EQ(pool_state(), "Normal");
}

}  // namespace
}  // namespace skype_cs_test
