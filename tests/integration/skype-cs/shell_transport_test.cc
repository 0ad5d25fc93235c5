// The local transport: timeouts kill the shell, the script never reaches argv, the module
// import line, and errors from the process itself.
#include <signal.h>

#include <gmock/gmock.h>

#include "cs_support.h"

namespace skype_cs_test {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class ShellTransportTest : public CsFixture {};

TEST_F(ShellTransportTest, AHungShellIsKilledAtTheTimeout) {
  std::string pid_file = dir_.file("pid");
  h_.add_resource("hung", "skype-cs.shell",
                  {{"program", "/bin/sh"},
                   {"args", boost::json::array{"-c", "echo $$ > " + pid_file + "; exec sleep 300"}},
                   {"timeout", "1s"}});
  auto e = expect_step_error([&] {
    h_.run("skype-cs.set_pool_state", {{"shell", "hung"}, {"pool_fqdn", "pchat.contoso.com"}, {"state", "Normal"}});
  });
  EXPECT_EQ(e.code(), "cs.timeout");
  EXPECT_TRUE(e.retryable());
  EXPECT_THAT(e.what(), HasSubstr("did not finish within 1s: the shell was killed"));
  EXPECT_THAT(h_.live_children(), IsEmpty());
  pid_t pid = std::stoi(read_text(pid_file));
  EXPECT_EQ(::kill(pid, 0), -1) << "the shell " << pid << " is still running";
  EXPECT_EQ(errno, ESRCH);
}

TEST_F(ShellTransportTest, CancellationStopsAHungShell) {
  std::string pid_file = dir_.file("pid");
  h_.add_resource("hung", "skype-cs.shell",
                  {{"program", "/bin/sh"},
                   {"args", boost::json::array{"-c", "echo $$ > " + pid_file + "; exec sleep 300"}},
                   {"timeout", "5m"}});
  h_.cancel_after(std::chrono::milliseconds(500));
  EXPECT_THROW(h_.check("skype-cs.pool_state", {{"shell", "hung"}, {"pool_fqdn", "pchat.contoso.com"}}),
               drkit::Cancelled);
  EXPECT_THAT(h_.live_children(), IsEmpty());
  pid_t pid = std::stoi(read_text(pid_file));
  EXPECT_EQ(::kill(pid, 0), -1) << "the shell " << pid << " is still running";
}

TEST_F(ShellTransportTest, TheScriptGoesOnStdinNeverOnArgv) {
  // The child records its own command line, then becomes the simulator reading stdin.
  std::string cmdline = dir_.file("cmdline");
  h_.add_resource("recorded", "skype-cs.shell",
                  {{"program", "/bin/sh"},
                   {"args", boost::json::array{"-c", "tr '\\0' ' ' < /proc/$$/cmdline > " + cmdline + "; exec " +
                                                         std::string(CS_SHELL_SIM) + " --state " + state_ +
                                                         " -NoProfile -NonInteractive -Command -"}},
                   {"env", {{"SKYPE_CS_TEST_SECRET", "s3cr3t-in-env"}}}});
  auto out = h_.run("skype-cs.invoke", {{"shell", "recorded"}, {"cmdlet", "Set-CsPersistentChatState"},
                                        {"parameters", {{"Identity", "service:pchat.contoso.com"},
                                                        {"PoolState", "FailedOver"}, {"Force", true}}}});
  EXPECT_EQ(pool_state(), "FailedOver");  // the script arrived
  std::string argv = read_text(cmdline);
  EXPECT_THAT(argv, HasSubstr("/bin/sh -c"));
  EXPECT_THAT(argv, Not(HasSubstr("Set-CsPersistentChatState")));
  EXPECT_THAT(argv, Not(HasSubstr("service:pchat.contoso.com")));
  EXPECT_THAT(argv, Not(HasSubstr("s3cr3t-in-env")));
}

TEST_F(ShellTransportTest, TheModuleImportLineIsConfigurable) {
  auto lync = local_shell();
  lync["module_import"] = "Import-Module Lync";
  h_.add_resource("lync", "skype-cs.shell", lync);
  EXPECT_TRUE(h_.check("skype-cs.pool_state", {{"shell", "lync"}, {"pool_fqdn", "pchat.contoso.com"}}).ok);

  auto none = local_shell();
  none["module_import"] = "";
  h_.add_resource("none", "skype-cs.shell", none);
  auto e = expect_step_error([&] { h_.check("skype-cs.pool_state", {{"shell", "none"}, {"pool_fqdn", "pchat.contoso.com"}}); });
  EXPECT_THAT(e.what(), HasSubstr("The term 'Get-CsPersistentChatState' is not recognized"));

  auto wrong = local_shell();
  wrong["module_import"] = "Import-Module Exchange";
  h_.add_resource("wrong", "skype-cs.shell", wrong);
  auto w = expect_step_error([&] { h_.check("skype-cs.pool_state", {{"shell", "wrong"}, {"pool_fqdn", "pchat.contoso.com"}}); });
  EXPECT_THAT(w.what(), HasSubstr("The specified module 'Exchange' was not loaded"));

  auto hostile = local_shell();
  hostile["module_import"] = "Import-Module Lync; Remove-Item C:\\";
  h_.add_resource("hostile", "skype-cs.shell", hostile);
  EXPECT_THROW(h_.check("skype-cs.pool_state", {{"shell", "hostile"}, {"pool_fqdn", "pchat.contoso.com"}}),
               drkit::ConfigError);
}

TEST_F(ShellTransportTest, AMissingProgramAndNonJsonOutputAreClearErrors) {
  h_.add_resource("missing", "skype-cs.shell", {{"program", dir_.file("no-such-pwsh")}});
  auto m = expect_step_error([&] { h_.check("skype-cs.pool_state", {{"shell", "missing"}, {"pool_fqdn", "pchat.contoso.com"}}); });
  EXPECT_THAT(m.what(), HasSubstr("no-such-pwsh"));

  h_.add_resource("chatty", "skype-cs.shell",
                  {{"program", "/bin/sh"}, {"args", boost::json::array{"-c", "cat > /dev/null; echo 'PS C:\\> hello'"}}});
  auto c = expect_step_error([&] { h_.check("skype-cs.pool_state", {{"shell", "chatty"}, {"pool_fqdn", "pchat.contoso.com"}}); });
  EXPECT_EQ(c.code(), "cs.bad_output");
  EXPECT_THAT(c.what(), HasSubstr("PS C:\\> hello"));

  // A host that reports exit code 0 for a failed script: the wrapper's stdout marker counts.
  h_.add_resource("exit-zero", "skype-cs.shell",
                  {{"program", "/bin/sh"},
                   {"args", boost::json::array{"-c", "cat > /dev/null; echo 'Access denied.' >&2; echo DRKIT-SCRIPT-FAILED"}}});
  auto z = expect_step_error([&] { h_.check("skype-cs.pool_state", {{"shell", "exit-zero"}, {"pool_fqdn", "pchat.contoso.com"}}); });
  EXPECT_EQ(z.code(), "cs.cmdlet_failed");
  EXPECT_THAT(z.what(), HasSubstr("Get-CsPersistentChatState failed on shell 'exit-zero': Access denied."));

  h_.add_resource("silent-fail", "skype-cs.shell",
                  {{"program", "/bin/sh"}, {"args", boost::json::array{"-c", "cat > /dev/null; echo partial; exit 3"}}});
  auto s = expect_step_error([&] { h_.check("skype-cs.pool_state", {{"shell", "silent-fail"}, {"pool_fqdn", "pchat.contoso.com"}}); });
  EXPECT_THAT(s.what(), HasSubstr("exit code 3: partial"));
}

}  // namespace
}  // namespace skype_cs_test
