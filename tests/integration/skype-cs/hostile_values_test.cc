// Hostile values: quoting round-trips through the real simulator's PowerShell tokenizer, and
// values that would inject code never execute (the state file's history stays empty).
#include <gmock/gmock.h>

#include "cs_support.h"
#include "ps_quote.h"
#include "ps_script.h"

namespace skype_cs_test {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using drkit::skype_cs::ps_quote;

const char* kInjection = "Set-CsPersistentChatState -Identity 'service:PersistentChatServer:pchat.contoso.com' -PoolState FailedOver";

std::vector<std::string> hostile_values() {
  return {
      "it's",
      "''",
      "'",
      std::string("x'; ") + kInjection + "; '",
      "$(" + std::string(kInjection) + ")",
      "$null; " + std::string(kInjection),
      "`$(`n) back`tick",
      "a;b|c&d<e>f",
      "\"double\" \"\"",
      "@{Add='x'} @('y')",
      // U+2019 RIGHT SINGLE QUOTATION MARK ends a '...' string in PowerShell.
      "a\u2019; " + std::string(kInjection) + "; \u2019",
      "\u2018\u2019\u201a\u201b",
      "\u201cdouble curly\u201d",
      "line1\nline2\r\n" + std::string(kInjection),
      "caf\u00e9 \u6f22\u5b57 \u2014 dash",
      "# not a comment",
      "",
  };
}

class HostileValuesTest : public CsFixture {};

TEST_F(HostileValuesTest, QuotedValuesRoundTripThroughTheShellUnchanged) {
  for (const auto& v : hostile_values()) {
    std::string script = drkit::skype_cs::wrap_script("Import-Module SkypeForBusiness",
                                                      {ps_quote(v) + " | ConvertTo-Json -Compress"});
    Output o = sim(state_, script);
    ASSERT_EQ(o.exit_code, 0) << v << "\n" << o.err;
    auto parsed = boost::json::parse(o.out);
    ASSERT_TRUE(parsed.is_string()) << o.out;
    EXPECT_EQ(std::string(parsed.as_string()), v);
  }
  EXPECT_EQ(pool_state(), "Normal");
  EXPECT_THAT(history(), IsEmpty());
}

TEST_F(HostileValuesTest, WithoutDoublingTheCurlyQuoteTheShellWouldRunTheInjection) {
  // Proves the simulator tokenizes like PowerShell, so the test above means something:
  // quoting with only ASCII '' doubling lets U+2019 close the string.
  std::string naive = "'a\u2019; " + std::string(kInjection) + "; \u2019'";
  Output o = sim(state_, "Import-Module SkypeForBusiness; " + naive);
  EXPECT_EQ(pool_state(), "FailedOver") << o.err;
}

TEST_F(HostileValuesTest, HostileParametersOfInvokeAndProbesNeverExecute) {
  for (const auto& v : hostile_values()) {
    if (v.find_first_of("\r\n") != std::string::npos) continue;  // refused below
    boost::json::object with{{"shell", "cs"}, {"cmdlet", "Get-CsPersistentChatState"},
                             {"parameters", {{"Identity", v}}}};
    auto out = h_.run("skype-cs.invoke", with);
    EXPECT_TRUE(out.at("result").is_null()) << v;
    auto probe = h_.check("skype-cs.cmdlet", {{"shell", "cs"}, {"cmdlet", "Get-CsPool"},
                                              {"parameters", {{"Identity", v}}}, {"property", "Fqdn"}});
    EXPECT_FALSE(probe.ok) << v;
  }
  EXPECT_EQ(pool_state(), "Normal");
  EXPECT_THAT(history(), IsEmpty());
}

TEST_F(HostileValuesTest, ControlCharactersAndBadNamesAreRefusedBeforeAnythingRuns) {
  EXPECT_THROW(h_.run("skype-cs.invoke", {{"shell", "cs"}, {"cmdlet", "Get-CsPool"},
                                          {"parameters", {{"Identity", "a\nSet-CsPersistentChatState"}}}}),
               drkit::ConfigError);
  EXPECT_THROW(h_.run("skype-cs.invoke", {{"shell", "cs"}, {"cmdlet", "Get-CsPool"},
                                          {"parameters", {{"Identity; Remove-Item", "x"}}}}),
               drkit::ConfigError);
  EXPECT_THROW(h_.run("skype-cs.invoke", {{"shell", "cs"}, {"cmdlet", "Get-CsPool|Remove-Item"}}), drkit::ConfigError);
  EXPECT_THROW(h_.run("skype-cs.set_pool_state", {{"shell", "cs"}, {"identity", "x'; " + std::string(kInjection)},
                                                  {"state", "FailedOver"}}),
               drkit::ConfigError);
  EXPECT_THROW(h_.run("skype-cs.set_pool_state", {{"shell", "cs"}, {"identity", "service:$(x)"}, {"state", "FailedOver"}}),
               drkit::ConfigError);
  EXPECT_THROW(h_.run("skype-cs.set_pool_state", {{"shell", "cs"}, {"pool_fqdn", "pchat.contoso.com;x"}, {"state", "FailedOver"}}),
               drkit::ConfigError);
  EXPECT_THROW(h_.run("skype-cs.set_active_servers", {{"shell", "cs"}, {"pool_fqdn", "pchat.contoso.com"},
                                                      {"servers", boost::json::array{"pc1.contoso.com\u2019"}}}),
               drkit::ConfigError);
  EXPECT_THROW(h_.run("skype-cs.install_mirror_database",
                      {{"shell", "cs"}, {"sql_server_fqdn", "sql1.contoso.com"}, {"file_share", "\\\\fs\\x\n"}}),
               drkit::ConfigError);
  EXPECT_THROW(h_.run("skype-cs.install_mirror_database",
                      {{"shell", "cs"}, {"sql_server_fqdn", "sql1.contoso.com"}, {"file_share", "C:\\share"}}),
               drkit::ConfigError);
  EXPECT_THAT(history(), IsEmpty());
}

TEST(PsQuoteTest, DoublesEveryPowerShellSingleQuoteCharacter) {
  EXPECT_EQ(ps_quote("it's"), "'it''s'");
  EXPECT_EQ(ps_quote(""), "''");
  EXPECT_EQ(ps_quote("a\u2019b"), "'a\u2019\u2019b'");
  EXPECT_EQ(ps_quote("\u2018\u201a\u201b"), "'\u2018\u2018\u201a\u201a\u201b\u201b'");
  EXPECT_EQ(ps_quote("$(x) `n \"q\""), "'$(x) `n \"q\"'");
  EXPECT_EQ(ps_quote("\u201cx\u201d"), "'\u201cx\u201d'");  // double curly quotes need nothing
}

TEST(PsQuoteTest, ValidationNamesTheParameterAndTheRule) {
  try {
    drkit::skype_cs::validate_fqdn("pool_fqdn", "bad name.contoso.com");
    FAIL() << "accepted";
  } catch (const drkit::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("pool_fqdn: 'bad name.contoso.com' is not valid: expected a DNS name"));
  }
  EXPECT_NO_THROW(drkit::skype_cs::validate_fqdn("f", "pchat.contoso.com"));
  EXPECT_THROW(drkit::skype_cs::validate_fqdn("f", "-x.contoso.com"), drkit::ConfigError);
  EXPECT_THROW(drkit::skype_cs::validate_fqdn("f", "a..b"), drkit::ConfigError);
  EXPECT_NO_THROW(drkit::skype_cs::validate_identity("i", "service:PersistentChatServer:pchat.contoso.com"));
  EXPECT_NO_THROW(drkit::skype_cs::validate_identity("i", "global"));
  EXPECT_THROW(drkit::skype_cs::validate_identity("i", "a'b"), drkit::ConfigError);
  EXPECT_NO_THROW(drkit::skype_cs::validate_sql_instance("n", "PCHAT$1"));
  EXPECT_THROW(drkit::skype_cs::validate_sql_instance("n", "a\\b"), drkit::ConfigError);
  EXPECT_NO_THROW(drkit::skype_cs::validate_module_import("m", "Import-Module 'C:\\Program Files\\Lync.psd1'"));
  EXPECT_THROW(drkit::skype_cs::validate_module_import("m", "Import-Module 'a'; 'b'"), drkit::ConfigError);
  try {
    drkit::skype_cs::validate_single_line("v", "a\x01" "b");
    FAIL() << "accepted";
  } catch (const drkit::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'a\\x01b'"));
  }
  EXPECT_THROW(drkit::skype_cs::validate_single_line("v", "a\u2028b"), drkit::ConfigError);
  EXPECT_THROW(drkit::skype_cs::validate_single_line("v", "\xff"), drkit::ConfigError);
}

}  // namespace
}  // namespace skype_cs_test
