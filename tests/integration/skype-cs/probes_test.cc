// The probes: pool_state and cmdlet, against the real simulator.
#include <gmock/gmock.h>

#include "cs_support.h"

namespace skype_cs_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ProbesTest : public CsFixture {};

TEST_F(ProbesTest, PoolStateReportsTheStateAndComparesIt) {
  auto any = h_.check("skype-cs.pool_state", {{"shell", "cs"}, {"pool_fqdn", "pchat.contoso.com"}});
  EXPECT_TRUE(any.ok);
  EXPECT_EQ(any.value, boost::json::value("Normal"));
  EXPECT_EQ(any.message, "service:PersistentChatServer:pchat.contoso.com: Normal");

  auto failed = h_.check("skype-cs.pool_state", {{"shell", "cs"}, {"pool_fqdn", "pchat.contoso.com"}, {"state", "FailedOver"}});
  EXPECT_FALSE(failed.ok);
  EXPECT_THAT(failed.message, HasSubstr("(expected FailedOver)"));

  h_.run("skype-cs.set_pool_state", {{"shell", "cs"}, {"pool_fqdn", "pchat.contoso.com"}, {"state", "FailedOver"}});
  auto now = h_.check("skype-cs.pool_state",
                      {{"shell", "cs"}, {"identity", "service:PersistentChatServer:pchat.contoso.com"}, {"state", "FailedOver"}});
  EXPECT_TRUE(now.ok) << now.message;
  EXPECT_EQ(now.value, boost::json::value("FailedOver"));
}

TEST_F(ProbesTest, PoolStateOfAnUnknownPoolDoesNotHold) {
  auto r = h_.check("skype-cs.pool_state", {{"shell", "cs"}, {"pool_fqdn", "other.contoso.com"}});
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.message, HasSubstr("lists no pool other.contoso.com"));
}

TEST_F(ProbesTest, CmdletComparesAPropertyAsText) {
  auto r = h_.check("skype-cs.cmdlet", {{"shell", "cs"}, {"cmdlet", "Get-CsPersistentChatState"},
                                        {"property", "PoolState"}, {"equals", "normal"}});
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.value, boost::json::value("Normal"));  // the name, not 5.1's enum number

  auto servers = h_.check("skype-cs.cmdlet", {{"shell", "cs"}, {"cmdlet", "Get-CsService"},
                                              {"parameters", {{"PersistentChatServer", true}}},
                                              {"property", "ActiveServers"}});
  EXPECT_TRUE(servers.ok);
  EXPECT_EQ(servers.value, boost::json::value("pc1.contoso.com pc2.contoso.com"));

  auto pools = h_.check("skype-cs.cmdlet", {{"shell", "cs"}, {"cmdlet", "Get-CsPool"}, {"property", "Site"},
                                            {"equals", "Site:Backup"}});
  EXPECT_FALSE(pools.ok);
  EXPECT_EQ(pools.message, "Get-CsPool: Site = Site:Primary (expected Site:Backup)");

  auto raw = h_.check("skype-cs.cmdlet", {{"shell", "cs"}, {"cmdlet", "Get-CsPool"}});
  EXPECT_TRUE(raw.ok);
  EXPECT_THAT(strings_of(raw.value.at("Computers")),
              ElementsAre("pc1.contoso.com", "pc2.contoso.com", "pc3.contoso.com", "pc4.contoso.com"));

  auto none = h_.check("skype-cs.cmdlet", {{"shell", "cs"}, {"cmdlet", "Get-CsPersistentChatState"},
                                           {"parameters", {{"Identity", "service:nothing"}}}});
  EXPECT_FALSE(none.ok);
}

TEST_F(ProbesTest, CmdletRefusesAnythingButGet) {
  EXPECT_THROW(h_.check("skype-cs.cmdlet", {{"shell", "cs"}, {"cmdlet", "Set-CsPersistentChatState"}}),
               drkit::ConfigError);
  EXPECT_THROW(h_.check("skype-cs.cmdlet", {{"shell", "cs"}, {"cmdlet", "Get-CsPool; Remove-Item"}}), drkit::ConfigError);
  EXPECT_THROW(h_.check("skype-cs.cmdlet", {{"shell", "cs"}, {"cmdlet", "Get-CsPool"}, {"property", "Site.Name"}}),
               drkit::ConfigError);
}

TEST_F(ProbesTest, AFailingGetCmdletIsAnErrorWithItsMessage) {
  EXPECT_THAT([&] {
    try {
      h_.check("skype-cs.cmdlet", {{"shell", "cs"}, {"cmdlet", "Get-CsNothing"}});
    } catch (const drkit::StepError& e) {
      return std::string(e.what());
    }
    return std::string();
  }(), HasSubstr("The term 'Get-CsNothing' is not recognized as the name of a cmdlet"));
}

}  // namespace
}  // namespace skype_cs_test
