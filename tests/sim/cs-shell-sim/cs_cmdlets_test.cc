// The Skype for Business cmdlets of the simulator: output shapes, state changes and errors.
#include <gmock/gmock.h>

#include "sim_support.h"

namespace cssim_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class CsCmdletsTest : public ::testing::Test {
 protected:
  Result run(const std::string& script) {
    return run_in_process(topology_, "$ErrorActionPreference = 'Stop'; Import-Module SkypeForBusiness; " + script);
  }
  cssim::Pool& pool() { return topology_.pools[0]; }
  cssim::Topology topology_ = test_topology();
};

TEST_F(CsCmdletsTest, PersistentChatStateHasAnIdentityObjectAndAnEnumPoolState) {
  EXPECT_EQ(run("Get-CsPersistentChatState | ConvertTo-Json -Compress").out,
            "{\"Identity\":{\"ScopeClass\":\"Service\",\"SiteId\":null,\"ServiceId\":\"PersistentChatServer:pchat.contoso.com\","
            "\"Tag\":null,\"InstanceId\":\"00000000-0000-0000-0000-000000000000\"},\"PoolState\":0}\n");
  EXPECT_EQ(run("Get-CsPersistentChatState | ForEach-Object { [string]$_.Identity; [string]$_.PoolState }").out,
            "service:PersistentChatServer:pchat.contoso.com\nNormal\n");
  EXPECT_EQ(run("Get-CsPersistentChatState -Filter '*.contoso.com' | ForEach-Object { [string]$_.PoolState }").out, "Normal\n");
  EXPECT_EQ(run("Get-CsPersistentChatState -Identity 'service:other'").out, "");
}

TEST_F(CsCmdletsTest, SetPersistentChatStateByIdentityAliasOrInstance) {
  EXPECT_EQ(run("Set-CsPersistentChatState -Identity 'PersistentChatServer:pchat.contoso.com' -PoolState failedover").exit_code, 0);
  EXPECT_EQ(pool().pool_state, "FailedOver");
  EXPECT_EQ(run("$s = Get-CsPersistentChatState; Set-CsPersistentChatState -Instance $s -PoolState Normal").exit_code, 0);
  EXPECT_EQ(pool().pool_state, "Normal");
  EXPECT_EQ(run("Get-CsPersistentChatState | Set-CsPersistentChatState -PoolState FailedOver").exit_code, 0);
  EXPECT_EQ(pool().pool_state, "FailedOver");
  EXPECT_THAT(topology_.history, ElementsAre(HasSubstr("Normal -> FailedOver"), HasSubstr("FailedOver -> Normal"),
                                             HasSubstr("Normal -> FailedOver")));
  auto what_if = run("Set-CsPersistentChatState -Identity 'PersistentChatServer:pchat.contoso.com' -PoolState Normal -WhatIf");
  EXPECT_THAT(what_if.out, HasSubstr("What if: Performing the operation \"Set-CsPersistentChatState\""));
  EXPECT_EQ(pool().pool_state, "FailedOver");
  auto confirm = run("Set-CsPersistentChatState -Identity 'PersistentChatServer:pchat.contoso.com' -PoolState Normal -Confirm");
  EXPECT_THAT(confirm.err, HasSubstr("PowerShell is in NonInteractive mode. Read and Prompt functionality is not available."));
  EXPECT_EQ(pool().pool_state, "FailedOver");
}

TEST_F(CsCmdletsTest, FailingOverNeedsABackupStore) {
  pool().backup_store.reset();
  auto r = run("Set-CsPersistentChatState -Identity 'PersistentChatServer:pchat.contoso.com' -PoolState FailedOver");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("has no backup SQL Server store in the topology"));
}

TEST_F(CsCmdletsTest, ServiceListsActiveAndInactiveServersAsFqdnObjects) {
  auto r = run("Get-CsService -PersistentChatServer | ForEach-Object { [string]$_.Identity; [string]$_.PoolFqdn; "
               "[string]$_.ActiveServers; [string]$_.InactiveServers; [string]$_.PersistentChatStore }");
  EXPECT_EQ(r.out, "PersistentChatServer:pchat.contoso.com\npchat.contoso.com\npc1.contoso.com pc2.contoso.com\n"
                   "pc3.contoso.com\nPersistentChatStore:sql1.contoso.com\n");
  EXPECT_THAT(run("Get-CsService").err, HasSubstr("only with -PersistentChatServer"));
  EXPECT_EQ(run("Get-CsService -PersistentChatServer -PoolFqdn other.contoso.com").out, "");
}

TEST_F(CsCmdletsTest, ActiveServersTakeListModifiersNullAndSwap) {
  const std::string set = "Set-CsPersistentChatActiveServer -Identity 'PersistentChatServer:pchat.contoso.com' -ActiveServers ";
  EXPECT_EQ(run(set + "@{Add='pc3.contoso.com'; Remove='PC1.contoso.com'}").exit_code, 0);
  EXPECT_THAT(pool().active_servers, ElementsAre("pc2.contoso.com", "pc3.contoso.com"));
  EXPECT_EQ(run(set + "$null").exit_code, 0);
  EXPECT_THAT(pool().active_servers, IsEmpty());
  EXPECT_EQ(run(set + "'pc1.contoso.com','pc2.contoso.com'").exit_code, 0);
  EXPECT_THAT(pool().active_servers, ElementsAre("pc1.contoso.com", "pc2.contoso.com"));
  EXPECT_EQ(run(set + "@{Replace='pc3.contoso.com'}").exit_code, 0);
  EXPECT_THAT(pool().active_servers, ElementsAre("pc3.contoso.com"));
  EXPECT_EQ(run("Set-CsPersistentChatActiveServer -Identity global -Swap").exit_code, 0);
  EXPECT_THAT(pool().active_servers, ElementsAre("pc1.contoso.com", "pc2.contoso.com"));
  EXPECT_THAT(run(set + "@{Append='pc3.contoso.com'}").err, HasSubstr("The hash table key \"Append\" is not valid"));
  EXPECT_THAT(run(set + "@{Add='pc9.contoso.com'}").err,
              HasSubstr("Server \"pc9.contoso.com\" is not a Persistent Chat server of pool \"pchat.contoso.com\"."));
  EXPECT_THAT(run("Set-CsPersistentChatActiveServer -Identity 'PersistentChatServer:x' -ActiveServers $null").err,
              HasSubstr("Cannot find Persistent Chat service \"PersistentChatServer:x\""));
  EXPECT_THAT(run("Set-CsPersistentChatActiveServer -Identity global").err, HasSubstr("Parameter set cannot be resolved"));
}

TEST_F(CsCmdletsTest, MirrorDatabasesInstallFailOverAndReport) {
  EXPECT_EQ(run("Get-CsDatabaseMirrorState -PoolFqdn pchat.contoso.com -DatabaseType PersistentChat | ConvertTo-Json -Compress").out,
            "{\"DatabaseName\":\"mgc\",\"StateOnPrimary\":null,\"StateOnMirror\":null,\"MirroringStatusOnPrimary\":\"not mirrored\","
            "\"MirroringStatusOnMirror\":null}\n");
  auto failover = "Invoke-CsDatabaseFailover -PoolFqdn pchat.contoso.com -DatabaseType PersistentChat -NewPrincipal Mirror -Force";
  EXPECT_THAT(run(failover).err, HasSubstr("Database mirroring is not set up for the PersistentChat database"));
  EXPECT_EQ(run("Install-CsMirrorDatabase -DatabaseType PersistentChat -SqlServerFqdn sql1.contoso.com -FileShare '\\\\fs\\x'").exit_code, 0);
  EXPECT_THAT(run("Install-CsMirrorDatabase -DatabaseType PersistentChat -SqlServerFqdn sql1.contoso.com -FileShare '\\\\fs\\x'").err,
              HasSubstr("already exists on the mirror SQL Server \"sql1m.contoso.com\""));
  EXPECT_THAT(run("Install-CsMirrorDatabase -DatabaseType PersistentChat -SqlServerFqdn sql9.contoso.com -FileShare '\\\\fs\\x'").err,
              HasSubstr("No SQL Server store \"sql9.contoso.com\" is defined in the topology."));
  EXPECT_THAT(run("Install-CsMirrorDatabase -SqlServerFqdn sql1.contoso.com -FileShare '\\\\fs\\x'").err,
              HasSubstr("Parameter set cannot be resolved"));
  EXPECT_THAT(run("Install-CsMirrorDatabase -DatabaseType User -SqlServerFqdn sql1.contoso.com -FileShare '\\\\fs\\x'").err,
              HasSubstr("Unable to match the identifier name User"));
  auto r = run("Get-CsDatabaseMirrorState -PoolFqdn pchat.contoso.com -DatabaseType PersistentChat | "
               "ForEach-Object { [string]$_.StateOnPrimary; [string]$_.StateOnMirror }");
  EXPECT_EQ(r.out, "Principal\nMirror\n");
  EXPECT_THAT(run("Invoke-CsDatabaseFailover -PoolFqdn pchat.contoso.com -DatabaseType PersistentChat -NewPrincipal Mirror").err,
              HasSubstr("NonInteractive mode"));
  EXPECT_EQ(run(failover).exit_code, 0);
  EXPECT_EQ(topology_.mirrors[0].principal, "Mirror");
  EXPECT_THAT(run(failover).err, HasSubstr("is already principal on the Mirror server"));
  // After a pool failover the backup store is the one that counts, and it has no mirror yet.
  EXPECT_EQ(run("Set-CsPersistentChatState -Identity 'PersistentChatServer:pchat.contoso.com' -PoolState FailedOver").exit_code, 0);
  EXPECT_EQ(run("Get-CsDatabaseMirrorState -PoolFqdn pchat.contoso.com -DatabaseType PersistentChat | "
                "ForEach-Object { [string]$_.MirroringStatusOnPrimary }").out,
            "not mirrored\n");
}

TEST_F(CsCmdletsTest, ConfiguredDatabasesIncludeComplianceWhenConfigured) {
  pool().compliance = true;
  EXPECT_EQ(run("Install-CsMirrorDatabase -ConfiguredDatabases -SqlServerFqdn sql2.contoso.com -FileShare '\\\\fs\\x' "
                "-DropExistingDatabasesOnMirror").exit_code, 0);
  ASSERT_EQ(topology_.mirrors.size(), 2u);
  EXPECT_EQ(topology_.mirrors[1].database_type, "PersistentChatCompliance");
  pool().backup_store->mirror_fqdn.clear();
  EXPECT_THAT(run("Install-CsMirrorDatabase -ConfiguredDatabases -SqlServerFqdn sql2.contoso.com -FileShare '\\\\fs\\x'").err,
              HasSubstr("has no mirror defined in the topology"));
}

TEST_F(CsCmdletsTest, PoolsListTheirServicesAndComputers) {
  EXPECT_EQ(run("Get-CsPool -Identity pchat.contoso.com | ConvertTo-Json -Compress").out,
            "{\"Identity\":\"pchat.contoso.com\",\"Services\":[\"PersistentChatServer:pchat.contoso.com\","
            "\"PersistentChatStore:sql1.contoso.com\",\"PersistentChatStore:sql2.contoso.com\"],\"Computers\":"
            "[\"pc1.contoso.com\",\"pc2.contoso.com\",\"pc3.contoso.com\"],\"Fqdn\":\"pchat.contoso.com\",\"Site\":\"Site:Primary\"}\n");
  EXPECT_EQ(run("Get-CsPool -Filter 'other*'").out, "");
}

}  // namespace
}  // namespace cssim_test
