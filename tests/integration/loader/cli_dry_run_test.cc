// `drkit plan` and `drkit run --dry-run`, through the built binary, never call run() of a
// mutating component: not in a sequential stage, a parallel stage, nor a rollback. The
// recording plugin's journal file shows every call the CLI made.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drkit/process.hpp"
#include "invocation_context.h"
#include "plugin_sandbox.h"
#include "run_scope.h"

namespace drkit {
namespace {

namespace fs = std::filesystem;
using loader_test::PluginSandbox;
using loader_test::read_text;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// A pipeline with a mutating step in each position that matters: alone, in a parallel
// stage, and with a mutating compensation that a rollback (triggered by "fail") would run.
constexpr const char* kManifest = R"({{
  "drkit": 1,
  "vars": {{ "journal": "{journal}" }},
  "pipelines": {{
    "p": {{
      "steps": [
        {{ "id": "o1", "uses": "record.observe", "with": {{ "journal": "${{var.journal}}" }} }},
        {{ "parallel": [
            {{ "id": "m1", "uses": "record.mutate", "with": {{ "journal": "${{var.journal}}" }},
              "compensate": [ {{ "id": "undo-m1", "uses": "record.mutate",
                                 "with": {{ "journal": "${{var.journal}}" }} }} ] }},
            {{ "id": "o2", "uses": "record.observe", "with": {{ "journal": "${{var.journal}}" }} }}
        ] }},
        {{ "id": "fail", "uses": "record.observe", "on_failure": "rollback",
          "with": {{ "journal": "${{var.journal}}", "fail": {fail} }} }}
      ]
    }}
  }}
}})";

class CliDryRun : public ::testing::Test {
 protected:
  CliDryRun() {
    box_.add("record", "drkit-record.so", {}, "plugins");
    journal_ = box_.dir() / "calls.log";
    state_ = box_.make_dir("state");
  }

  void write_manifest(bool fail) {
    std::ofstream(box_.dir() / "drkit.json")
        << fmt::format(kManifest, fmt::arg("journal", journal_.string()),
                       fmt::arg("fail", fail ? "true" : "false"));
  }

  // Runs the drkit binary with `args` and the sandbox's manifest, plugins and state.
  ProcessResult drkit(std::vector<std::string> args) {
    std::vector<std::string> argv = {DRKIT_CLI};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--manifest", (box_.dir() / "drkit.json").string(), "--plugin-path",
                             (box_.dir() / "plugins").string(), "--state-dir", state_.string(),
                             // The build tree's own plugin folder is on the path too; its
                             // permissions are not what this test is about.
                             "--allow-insecure-plugins"});
    RunScope scope;
    CancellationToken token;
    InvocationContext ctx(scope, Params(), Invocation{"t", "t", "", "drkit", 1}, token, false);
    return run_process(ctx, {.argv = argv, .timeout = std::chrono::minutes(2)});
  }

  std::vector<std::string> calls() const {
    std::vector<std::string> lines;
    std::istringstream in(read_text(journal_));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  PluginSandbox box_;
  fs::path journal_;
  fs::path state_;
};

TEST_F(CliDryRun, PlanCallsPlanOfEveryStepAndRunOfNone) {
  write_manifest(false);
  auto r = drkit({"plan", "p"});
  ASSERT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
  EXPECT_THAT(r.stdout_text, HasSubstr("would mutate (m1)"));
  EXPECT_THAT(calls(), UnorderedElementsAre("observe plan o1", "mutate plan m1", "observe plan o2",
                                            "observe plan fail"));
}

TEST_F(CliDryRun, DryRunRunsReadOnlyStepsAndOnlyPlansMutatingOnes) {
  write_manifest(false);
  auto r = drkit({"run", "p", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
  auto lines = calls();
  EXPECT_THAT(lines, Contains("observe run o1"));
  EXPECT_THAT(lines, Contains("observe run o2"));
  EXPECT_THAT(lines, Contains("observe run fail"));
  EXPECT_THAT(lines, Contains("mutate plan m1"));
  for (const auto& line : lines) EXPECT_THAT(line, Not(HasSubstr("mutate run"))) << read_text(journal_);
}

TEST_F(CliDryRun, ARollbackInADryRunDoesNotRunAMutatingCompensation) {
  write_manifest(true);
  auto r = drkit({"run", "p", "--dry-run"});
  EXPECT_EQ(r.exit_code, 1) << r.stdout_text << r.stderr_text;  // the run failed
  auto lines = calls();
  EXPECT_THAT(lines, Contains("observe run fail"));
  for (const auto& line : lines) EXPECT_THAT(line, Not(HasSubstr("mutate run"))) << read_text(journal_);
}

TEST_F(CliDryRun, TheSamePipelineWithoutDryRunDoesRunTheMutatingSteps) {
  // The control: proves the recording plugin and the manifest would reveal a mutating run.
  write_manifest(true);
  auto r = drkit({"run", "p"});
  EXPECT_EQ(r.exit_code, 1) << r.stdout_text << r.stderr_text;
  auto lines = calls();
  EXPECT_THAT(lines, Contains("mutate run m1"));
  EXPECT_THAT(lines, Contains("mutate run undo-m1"));  // the rollback ran m1's compensation
  EXPECT_THAT(lines, Contains("observe run fail"));
}

}  // namespace
}  // namespace drkit
