// Step semantics through the real binary: locks, retries, timeouts, gates, guards,
// rollback, parallel limits, secrets, notifiers, dry-run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include "drkit_process.h"

namespace drkit::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class Engine : public ::testing::Test {
 protected:
  fs::path manifest(const std::string& pipelines_json, const std::string& extra = "") {
    auto file = dir_ / "drkit.json";
    write_file(file, fmt::format(R"({{"drkit": 1, "vars": {{"dir": "{}"}}{}, "pipelines": {}}})", dir_.path().string(),
                                 extra, pipelines_json));
    return file;
  }
  Finished run(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    args.insert(args.end(), {"-m", (dir_ / "drkit.json").string(), "--state-dir", (dir_ / "state").string(),
                             "--plugin-path", TESTKIT_DIR});
    return drkit(args, env);
  }
  boost::json::object report(const std::string& run_id = "last") {
    auto r = run({"report", run_id, "--format", "json"});
    return boost::json::parse(r.out).as_object();
  }
  TempDir dir_;
};

std::string sh(const std::string& id, const std::string& script, const std::string& more = "") {
  return fmt::format(R"({{"id": "{}", "uses": "core.exec", "with": {{"argv": ["sh", "-c", "{}"], "env": {{"D": "${{var.dir}}"}}}}{}}})",
                     id, script, more);
}

TEST_F(Engine, SecondRunIsLockedAndNamesTheHolder) {
  manifest(R"({"p": {"steps": [)" + sh("wait", "touch $D/started; while [ ! -e $D/go ]; do sleep 0.05; done") + "]}}");
  std::vector<std::string> args = {"run", "p", "-m", (dir_ / "drkit.json").string(), "--state-dir", (dir_ / "state").string()};
  DrkitProcess first(args, {}, dir_.path());
  ASSERT_TRUE(wait_for_file(dir_ / "started"));
  auto second = run({"run", "p"});
  EXPECT_EQ(second.exit_code, 5);
  EXPECT_THAT(second.err, HasSubstr("locked: run "));
  EXPECT_THAT(second.err, HasSubstr(fmt::format("pid {}", first.pid())));
  write_file(dir_ / "go", "");
  EXPECT_EQ(first.wait().exit_code, 0);
  EXPECT_EQ(run({"run", "p"}).exit_code, 0);  // free again
}

TEST_F(Engine, RetriesRetryableFailuresWithBackoffThenSucceeds) {
  // Fails with exit 75 (declared retryable) twice, then succeeds.
  manifest(R"({"p": {"steps": [{"id": "flaky", "uses": "core.exec", "with": {"argv": ["sh", "-c",
      "n=$(cat $D/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > $D/n; [ $n -ge 3 ] || exit 75"],
      "env": {"D": "${var.dir}"}, "retryable_exit_codes": [75]},
      "retry": {"attempts": 4, "delay": "100ms", "backoff": 2.0}}]}})");
  auto r = run({"run", "p"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(dir_ / "n"), "3\n");
  EXPECT_THAT(r.err, HasSubstr("attempt 1 of 4 failed"));
  EXPECT_THAT(r.err, HasSubstr("next try in 100ms"));
  EXPECT_THAT(r.err, HasSubstr("next try in 200ms"));
}

TEST_F(Engine, NonRetryableFailureIsNotRetried) {
  manifest(R"({"p": {"steps": [)" + sh("once", "echo x >> $D/count; exit 3", R"(, "retry": {"attempts": 5, "delay": "10ms"})") +
           "]}}");
  auto r = run({"run", "p"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines_of(read_file(dir_ / "count")).size(), 1u);
  EXPECT_THAT(r.err, HasSubstr("exited with code 3"));
}

TEST_F(Engine, TimeoutKillsTheHungChildAndItsChildren) {
  std::string marker = "drkit-hung-" + dir_.path().filename().string();
  manifest(fmt::format(R"({{"p": {{"steps": [{{"id": "hung", "uses": "core.exec",
      "with": {{"argv": ["sh", "-c", "sleep 300 & sleep 301; : {}"]}}, "timeout": "1s"}}]}}}})", marker));
  auto r = run({"run", "p"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("timed out after 1s"));
  EXPECT_FALSE(process_with_marker_exists(marker));
  EXPECT_FALSE(process_with_marker_exists("sleep 301"));
}

TEST_F(Engine, GateRefusedWithoutTerminalApprovedWithFlag) {
  manifest(R"({"p": {"steps": [{"id": "go", "uses": "core.confirm", "with": {"message": "Really?"}},)" +
           sh("after", "touch $D/after") + "]}}");
  auto refused = run({"run", "p"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("--approve go"));
  EXPECT_FALSE(fs::exists(dir_ / "after"));
  auto approved = run({"run", "p", "--approve", "go"});
  EXPECT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_TRUE(fs::exists(dir_ / "after"));
  auto rep = report();
  const auto& approvals = rep.at("approvals").as_array();
  ASSERT_EQ(approvals.size(), 1u);
  EXPECT_EQ(approvals[0].at("step_id").as_string(), "go");
  EXPECT_EQ(approvals[0].at("method").as_string(), "--approve");
  EXPECT_EQ(approvals[0].at("gate_text").as_string(), "Really?");
}

TEST_F(Engine, GuardRefusesWithExit3AndForceOverridesIt) {
  manifest(R"({"p": {"guards": [{"id": "primary-down", "probe": "core.command", "with": {"argv": ["false"]},
      "reason": "the primary must be down"}], "steps": [)" + sh("s", "touch $D/ran") + "]}}");
  auto refused = run({"run", "p"});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_THAT(refused.err, HasSubstr("the primary must be down"));
  EXPECT_FALSE(fs::exists(dir_ / "ran"));
  auto forced = run({"run", "p", "--force", "primary-down"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_TRUE(fs::exists(dir_ / "ran"));
  auto rep = report();
  ASSERT_EQ(rep.at("guard_overrides").as_array().size(), 1u);
  EXPECT_EQ(rep.at("guard_overrides").as_array()[0].at("guard_id").as_string(), "primary-down");
  EXPECT_EQ(run({"run", "p", "--force", "no-such-guard"}).exit_code, 2);
}

TEST_F(Engine, RollbackRunsCompensationsInReverseOrder) {
  auto step = [](const std::string& id, const std::string& body) {
    return sh(id, body,
              std::string(R"(, "on_failure": "rollback", "compensate": [)") + sh("undo-" + id, "echo undo-" + id + " >> $D/log") + "]");
  };
  manifest(R"({"p": {"steps": [)" + step("a", "echo a >> $D/log") + "," + step("b", "echo b >> $D/log") + "," +
           step("c", "echo c >> $D/log; exit 1") + "," + sh("d", "echo d >> $D/log") + "]}}");
  auto r = run({"run", "p"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines_of(read_file(dir_ / "log")), (std::vector<std::string>{"a", "b", "c", "undo-c", "undo-b", "undo-a"}));
  EXPECT_THAT(r.err, HasSubstr("rolled back"));
}

TEST_F(Engine, ParallelStageRespectsMaxParallel) {
  std::string body = "touch $D/run.$ID; ls $D | grep -c '^run\\\\.' >> $D/counts; sleep 0.3; rm $D/run.$ID; echo $ID >> $D/done";
  std::string steps;
  for (int i = 1; i <= 5; ++i)
    steps += fmt::format(R"({}{{"id": "w{}", "uses": "core.exec", "with": {{"argv": ["sh", "-c", "{}"],
        "env": {{"D": "${{var.dir}}", "ID": "w{}"}}}}}})", i == 1 ? "" : ",", i, body, i);
  manifest(R"({"p": {"steps": [{"parallel": [)" + steps + R"(], "max_parallel": 2}]}})");
  auto r = run({"run", "p"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_of(read_file(dir_ / "done")).size(), 5u);
  for (const auto& c : lines_of(read_file(dir_ / "counts"))) EXPECT_LE(std::stoi(c), 2);
}

TEST_F(Engine, CanarySecretAppearsNowhere) {
  const std::string canary = "CANARY-7f3a9c-s3cr3t";
  manifest(R"({"p": {"steps": [
      {"id": "use", "uses": "core.exec", "with": {"argv": ["sh", "-c", "echo using $PW; echo failing with $PW >&2; exit 2"],
       "env": {"PW": "${secret:env:DRKIT_TEST_PW}"}}}]}})",
           R"(, "notify": [{"uses": "core.log", "with": {"path": "${var.dir}/events.jsonl"}}])");
  auto r = run({"run", "p"}, {{"DRKIT_TEST_PW", canary}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("failing with ***"));
  EXPECT_THAT(r.err, Not(HasSubstr(canary)));
  auto rep = run({"report", "last"});
  EXPECT_THAT(rep.out, HasSubstr("***"));
  std::string everything = r.out + rep.out + run({"report", "last", "--format", "json"}).out +
                           run({"report", "last", "--format", "md"}).out;
  for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
    if (entry.is_regular_file()) everything += read_file(entry.path());
  }
  EXPECT_THAT(everything, Not(HasSubstr(canary)));
  EXPECT_TRUE(fs::exists(dir_ / "events.jsonl"));
}

TEST_F(Engine, SecretsInArgvAreRefused) {
  manifest(R"({"p": {"steps": [{"id": "bad", "uses": "core.exec", "with": {"argv": ["echo", "${secret:env:DRKIT_TEST_PW}"]}}]}})");
  auto r = run({"validate"}, {{"DRKIT_TEST_PW", "xyz123"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("secrets must not go on a command line"));
}

TEST_F(Engine, FailingAndHangingNotifiersDoNotFailOrHoldTheRun) {
  manifest(R"({"p": {"steps": [)" + sh("s", "touch $D/ran") + "]}}",
           R"(, "notify": [{"name": "broken", "uses": "testkit.fail"}, {"name": "stuck", "uses": "testkit.hang", "on": ["run.finished"]}])");
  auto r = run({"run", "p", "--notify-deadline", "2s"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir_ / "ran"));
  EXPECT_THAT(r.err, HasSubstr("notification failed: broken"));
}

TEST_F(Engine, PlanAndDryRunNeverRunMutatingSteps) {
  manifest(R"({"p": {"steps": [{"id": "rec", "uses": "testkit.record", "with": {"file": "${var.dir}/calls"}},
      {"id": "ro", "uses": "core.sleep", "with": {"duration": "10ms"}}]}})");
  EXPECT_EQ(run({"plan", "p"}).exit_code, 0);
  auto dry = run({"run", "p", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.err, HasSubstr("would append a line to"));
  EXPECT_FALSE(fs::exists(dir_ / "calls"));
  EXPECT_EQ(run({"run", "p"}).exit_code, 0);
  EXPECT_EQ(read_file(dir_ / "calls"), "run\n");
}

TEST_F(Engine, WhenSkipsAndNonCriticalFailureIsAWarning) {
  manifest(R"({"p": {"steps": [
      {"id": "skip-me", "uses": "core.exec", "with": {"argv": ["touch", "${var.dir}/skipped"]}, "when": false},
      {"id": "soft", "uses": "core.exec", "with": {"argv": ["false"]}, "critical": false},
      {"id": "on", "uses": "core.exec", "with": {"argv": ["touch", "${var.dir}/on"]}}]}})");
  auto r = run({"run", "p"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "skipped"));
  EXPECT_TRUE(fs::exists(dir_ / "on"));
  EXPECT_THAT(r.err, HasSubstr("warn"));
}

TEST_F(Engine, OutputsFlowToLaterStepsAndSurviveResume) {
  manifest(R"({"p": {"steps": [
      {"id": "a", "uses": "core.exec", "with": {"argv": ["echo", "from-a"]}},
      {"id": "b", "uses": "core.exec", "with": {"argv": ["sh", "-c", "[ -e $D/ok ] || exit 9; echo \"$V\" > $D/b", "x"],
        "env": {"D": "${var.dir}", "V": "${steps.a.outputs.stdout}"}}}]}})");
  auto first = run({"run", "p"});
  EXPECT_EQ(first.exit_code, 1);
  write_file(dir_ / "ok", "");
  auto runs = boost::json::parse(run({"runs", "--output", "json"}).out).as_array();
  std::string id(runs.at(0).at("id").as_string());
  auto resumed = run({"resume", id});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(read_file(dir_ / "b"), "from-a\n");
}

TEST_F(Engine, ResumeRefusesAChangedManifestUnlessAccepted) {
  manifest(R"({"p": {"steps": [)" + sh("a", "[ -e $D/ok ]") + "]}}");
  EXPECT_EQ(run({"run", "p"}).exit_code, 1);
  auto runs = boost::json::parse(run({"runs", "--output", "json"}).out).as_array();
  std::string id(runs.at(0).at("id").as_string());
  manifest(R"({"p": {"steps": [)" + sh("a", "true") + "]}}");
  auto refused = run({"resume", id});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("changed: a"));
  auto accepted = run({"resume", id, "--accept-manifest-change"});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
}

TEST_F(Engine, SigintInterruptsWithExit4AndTheRunResumes) {
  manifest(R"({"p": {"steps": [)" + sh("long", "touch $D/started; sleep 30") + "," + sh("next", "touch $D/next") + "]}}");
  std::vector<std::string> args = {"run", "p", "-m", (dir_ / "drkit.json").string(), "--state-dir", (dir_ / "state").string()};
  DrkitProcess p(args, {}, dir_.path());
  ASSERT_TRUE(wait_for_file(dir_ / "started"));
  ::kill(p.pid(), SIGINT);
  auto r = p.wait();
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_THAT(r.err, HasSubstr("drkit resume"));
  EXPECT_FALSE(fs::exists(dir_ / "next"));
}

}  // namespace
}  // namespace drkit::test
