// The evaluator: pipelines, variables, casts, ConvertTo-Json as 5.1 writes it, try/catch,
// error records on stderr and exit codes.
#include <gmock/gmock.h>

#include "sim_support.h"

namespace cssim_test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class InterpreterTest : public ::testing::Test {
 protected:
  Result run(const std::string& script) { return run_in_process(topology_, script); }
  cssim::Topology topology_ = test_topology();
};

TEST_F(InterpreterTest, ConvertToJsonWritesLikeWindowsPowerShell51) {
  EXPECT_EQ(run("'x' | ConvertTo-Json -Compress").out, "\"x\"\n");
  EXPECT_EQ(run("\"<it's & \"\"q\"\">\" | ConvertTo-Json -Compress").out,
            "\"\\u003cit\\u0027s \\u0026 \\\"q\\\"\\u003e\"\n");
  EXPECT_EQ(run("'a','b' | ConvertTo-Json -Compress").out, "[\"a\",\"b\"]\n");
  EXPECT_EQ(run("ConvertTo-Json -InputObject @('a') -Compress").out, "[\"a\"]\n");
  EXPECT_EQ(run("@{Add='a','b'; Remove=$null; N=3; T=$true} | ConvertTo-Json -Compress").out,
            "{\"Add\":[\"a\",\"b\"],\"Remove\":null,\"N\":3,\"T\":true}\n");
  EXPECT_EQ(run("@() | ConvertTo-Json -Compress").out, "");
  EXPECT_EQ(run("@{a=@{b=@{c=1}}} | ConvertTo-Json -Depth 1 -Compress").out,
            "{\"a\":{\"b\":\"System.Collections.Hashtable\"}}\n");
  EXPECT_EQ(run("@{a=1} | ConvertTo-Json").out, "{\r\n    \"a\":  1\r\n}\n");
}

TEST_F(InterpreterTest, VariablesMembersAndCasts) {
  auto r = run("$s = [pscustomobject]@{ Name = 'n'; List = @('x','y') }; $s.Name; $s.List.Count; [string]$s.List; "
               "$s.Missing; [int]'42'; [string]$null; $a = @(); $a.Count; [bool]'x'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "n\n2\nx y\n42\n\n0\nTrue\n");
  EXPECT_EQ(run("[pscustomobject]@{ B = 1; A = 2 } | ConvertTo-Json -Compress").out, "{\"B\":1,\"A\":2}\n");
  EXPECT_EQ(run("@(1,2) | ForEach-Object { [pscustomobject]@{ V = $_ } } | ConvertTo-Json -Compress").out,
            "[{\"V\":1},{\"V\":2}]\n");
  auto bad = run("[datetime]'x'");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("Unable to find type [datetime]."));
  EXPECT_THAT(run("$null = 1").err, HasSubstr("Cannot overwrite variable null"));
}

TEST_F(InterpreterTest, TryCatchSeesTheErrorRecordAndExitSetsTheCode) {
  auto r = run("$ErrorActionPreference = 'Stop'; try { Write-Error 'boom'; 'not reached' } catch { "
               "[Console]::Error.WriteLine($_.Exception.Message); 'caught'; exit 7 }; 'after'");
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_EQ(r.out, "caught\n");
  EXPECT_EQ(r.err, "boom\n");
  EXPECT_EQ(run("exit").exit_code, 0);
  EXPECT_EQ(run("exit 3; 'no'").exit_code, 3);
  EXPECT_THAT(run("exit 'x'").err, HasSubstr("Cannot convert value \"x\" to type \"System.Int32\"."));
}

TEST_F(InterpreterTest, NonTerminatingErrorsContinueUnlessStop) {
  auto r = run("Write-Error 'first'; 'still runs'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "still runs\n");
  EXPECT_THAT(r.err, StartsWith("Write-Error : first\nAt line:1 char:1\n+ Write-Error 'first'; 'still runs'\n+ ~~~~~~~~~~~\n"));
  auto silent = run("$ErrorActionPreference = 'SilentlyContinue'; Write-Error 'x'; 'ok'");
  EXPECT_EQ(silent.err, "");
  EXPECT_EQ(silent.out, "ok\n");
  auto stop = run("$ErrorActionPreference = 'Stop'; Write-Error 'halt'; 'not reached'");
  EXPECT_EQ(stop.exit_code, 1);
  EXPECT_EQ(stop.out, "");
  EXPECT_THAT(stop.err, HasSubstr("Write-Error : halt"));
  EXPECT_THAT(run("$ErrorActionPreference = 'Sometimes'").err, HasSubstr("Unable to match the identifier name Sometimes"));
}

TEST_F(InterpreterTest, UnknownCommandsAndTheCsCmdletsBeforeImportAreNotFound) {
  for (const char* cmd : {"Get-Thing", "Get-CsPool", "Invoke-Expression 'x'", "iex 'x'"}) {
    auto r = run(std::string("try { ") + cmd + " } catch { [Console]::Error.WriteLine($_.Exception.Message); exit 1 }");
    EXPECT_EQ(r.exit_code, 1) << cmd;
    EXPECT_THAT(r.err, HasSubstr("is not recognized as the name of a cmdlet, function, script file, or operable program.")) << cmd;
  }
  EXPECT_THAT(run("Get-Thing -X 1").err, HasSubstr("At line:1 char:1\n+ Get-Thing -X 1\n+ ~~~~~~~~~\n"));
  EXPECT_THAT(run("Import-Module ActiveDirectory").err,
              HasSubstr("The specified module 'ActiveDirectory' was not loaded because no valid module file was found"));
  EXPECT_EQ(run("Import-Module Lync; Get-CsPool | ForEach-Object { $_.Fqdn }").out, "pchat.contoso.com\n");
}

TEST_F(InterpreterTest, ParameterBindingErrorsReadLikePowerShell) {
  auto e = [&](const std::string& s) { return run("Import-Module SkypeForBusiness; " + s).err; };
  EXPECT_THAT(e("Get-CsPool -Bogus 1"), HasSubstr("Get-CsPool : A parameter cannot be found that matches parameter name 'Bogus'."));
  EXPECT_THAT(e("Invoke-CsDatabaseFailover -PoolFqdn p"),
              HasSubstr("Cannot process command because of one or more missing mandatory parameters: DatabaseType NewPrincipal."));
  EXPECT_THAT(e("Get-CsPool a b"), HasSubstr("A positional parameter cannot be found that accepts argument 'b'."));
  EXPECT_THAT(e("Get-CsPool -Identity a -Identity b"),
              HasSubstr("Cannot bind parameter because parameter 'Identity' is specified more than once."));
  EXPECT_THAT(e("Set-CsPersistentChatState -PoolState"),
              HasSubstr("Missing an argument for parameter 'PoolState'. Specify a parameter of type"));
  EXPECT_THAT(e("Get-CsPool -Identity @('a','b')"),
              HasSubstr("Cannot convert 'System.Object[]' to the type 'Microsoft.Rtc.Management.Xds.XdsGlobalRelativeIdentity'"));
  EXPECT_THAT(e("ConvertTo-Json -Depth x"), HasSubstr("Cannot convert value \"x\" to type \"System.Int32\""));
  EXPECT_THAT(e("'a' | ForEach-Object 'x'"), HasSubstr("to type \"System.Management.Automation.ScriptBlock\""));
}

TEST_F(InterpreterTest, ParseErrorsRunNothing) {
  auto r = run("Import-Module SkypeForBusiness; Set-CsPersistentChatState -Identity 'PersistentChatServer:pchat.contoso.com' "
               "-PoolState FailedOver\n'x' -f 1\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(topology_.pools[0].pool_state, "Normal");
  EXPECT_THAT(r.err, HasSubstr("At line:2 char:5\n+ 'x' -f 1\n+     ~\nUnexpected token '-f' in expression or statement."));
  EXPECT_TRUE(topology_.history.empty());
}

}  // namespace
}  // namespace cssim_test
