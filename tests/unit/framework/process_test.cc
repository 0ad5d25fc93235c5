// drkit::run_process (framework/src/sdk/process.cc) with real child processes, through the
// engine's real context (RunScope + InvocationContext).
#include "drkit/process.hpp"

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drkit/errors.hpp"
#include "invocation_context.h"
#include "run_scope.h"

namespace drkit {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::EndsWith;
using ::testing::IsEmpty;

class RunProcess : public ::testing::Test {
 protected:
  RunProcess() {
    std::string pattern = (fs::temp_directory_path() / "drkit-process-test-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  ~RunProcess() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  ProcessResult run(ProcessRequest req) {
    InvocationContext ctx(scope_, Params(), Invocation{"r", "p", "", "s", 1}, token_, false);
    auto result = run_process(ctx, req);
    EXPECT_THAT(scope_.children(), IsEmpty()) << "run_process left a child registered";
    return result;
  }
  static ProcessRequest sh(std::string script) { return {.argv = {"sh", "-c", std::move(script)}}; }

  // True once `pid` is gone or a zombie (the container's init may not reap orphans), waiting
  // up to 30 s: the kill is asynchronous, and the machine may be loaded.
  static bool ends_within_30s(pid_t pid) {
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
      std::string pid_text, comm, state;
      if (!(stat >> pid_text >> comm >> state) || state == "Z") return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  // The pid a script wrote into `file`, waiting until it is there.
  pid_t read_pid(const fs::path& file) {
    pid_t pid = 0;
    std::ifstream(file) >> pid;
    return pid;
  }

  fs::path dir_;
  RunScope scope_;
  CancellationToken token_;
};

TEST_F(RunProcess, ReportsTheExitCode) {
  EXPECT_EQ(run({.argv = {"true"}}).exit_code, 0);
  EXPECT_TRUE(run({.argv = {"true"}}).ok());
  auto r = run(sh("exit 3"));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.signal, 0);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.timed_out);
}

TEST_F(RunProcess, ReportsTheSignalThatEndedTheChild) {
  auto r = run(sh("kill -KILL $$"));
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_FALSE(r.ok());
}

TEST_F(RunProcess, CapturesStdoutAndStderrSeparately) {
  auto r = run(sh("echo out; echo err >&2; echo out2"));
  EXPECT_EQ(r.stdout_text, "out\nout2\n");
  EXPECT_EQ(r.stderr_text, "err\n");
  EXPECT_FALSE(r.truncated);
}

TEST_F(RunProcess, WritesStdinThenClosesIt) {
  EXPECT_EQ(run({.argv = {"cat"}, .stdin_data = "line 1\nline 2\n"}).stdout_text,
            "line 1\nline 2\n");
  // Much more than a pipe buffer, while the child also writes: no deadlock.
  std::string big(3 << 20, 'x');
  auto r = run({.argv = {"sh", "-c", "cat; echo done >&2"}, .stdin_data = big,
                .capture_limit = 8 << 20});
  EXPECT_EQ(r.stdout_text.size(), big.size());
  EXPECT_EQ(r.stderr_text, "done\n");
}

TEST_F(RunProcess, WithoutStdinDataTheChildReadsEndOfFile) {
  auto r = run(sh("if read line; then echo got; else echo eof; fi"));
  EXPECT_EQ(r.stdout_text, "eof\n");
}

TEST_F(RunProcess, AddsAndReplacesEnvironmentVariables) {
  ::setenv("DRKIT_PROCESS_TEST_INHERITED", "inherited", 1);
  ::setenv("DRKIT_PROCESS_TEST_REPLACED", "old", 1);
  auto r = run({.argv = {"sh", "-c",
                         "echo $DRKIT_PROCESS_TEST_INHERITED $DRKIT_PROCESS_TEST_REPLACED "
                         "$DRKIT_PROCESS_TEST_ADDED; env | grep -c ^DRKIT_PROCESS_TEST_REPLACED="},
                .env = {{"DRKIT_PROCESS_TEST_REPLACED", "new"}, {"DRKIT_PROCESS_TEST_ADDED", "added"}}});
  ::unsetenv("DRKIT_PROCESS_TEST_INHERITED");
  ::unsetenv("DRKIT_PROCESS_TEST_REPLACED");
  EXPECT_EQ(r.stdout_text, "inherited new added\n1\n");
}

TEST_F(RunProcess, RunsInTheWorkingDirectory) {
  auto r = run({.argv = {"pwd"}, .working_dir = dir_.string()});
  EXPECT_EQ(r.stdout_text, fs::canonical(dir_).string() + "\n");
}

TEST_F(RunProcess, ThrowsNamingAProgramThatCannotBeStarted) {
  try {
    run({.argv = {"drkit-no-such-program-here"}});
    FAIL() << "a missing program started";
  } catch (const StepError& e) {
    EXPECT_STREQ(e.what(), "cannot start 'drkit-no-such-program-here': No such file or directory");
    EXPECT_FALSE(e.retryable());
  }
  EXPECT_THROW(run({.argv = {}}), StepError);
}

TEST_F(RunProcess, KeepsTheTailOfALongOutput) {
  auto r = run({.argv = {"seq", "1", "200000"}, .capture_limit = 1000});
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(r.stdout_text.size(), 1000u);
  EXPECT_THAT(r.stdout_text, EndsWith("199999\n200000\n"));
  EXPECT_EQ(r.exit_code, 0);
}

TEST_F(RunProcess, ABackgroundProcessHoldingTheOutputOpenDoesNotHoldTheStep) {
  // The grandchild keeps stdout and stderr open for a minute after the child exits.
  auto r = run(sh("sleep 60 & echo $! > " + (dir_ / "bg.pid").string() + "; echo started"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.stdout_text, "started\n");
  EXPECT_FALSE(r.timed_out);
  pid_t bg = read_pid(dir_ / "bg.pid");
  ASSERT_GT(bg, 0);
  ::kill(bg, SIGKILL);  // left running by design; not this test's to keep
}

TEST_F(RunProcess, TimeoutKillsTheWholeProcessGroupIncludingAGrandchild) {
  fs::path pid_file = dir_ / "grandchild.pid";
  auto r = run({.argv = {"sh", "-c", "sleep 300 & echo $! > \"$0\"; wait", pid_file.string()},
                .timeout = 2s});
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.signal, SIGTERM);
  pid_t grandchild = read_pid(pid_file);
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(ends_within_30s(grandchild)) << "grandchild " << grandchild << " survived";
}

TEST_F(RunProcess, AGrandchildIgnoringSigtermGetsSigkillAfterTheGrace) {
  fs::path pid_file = dir_ / "stubborn.pid";
  // `trap '' TERM` is inherited by the background sleep: only SIGKILL ends it.
  auto r = run({.argv = {"sh", "-c", "trap '' TERM; sleep 300 & echo $! > \"$0\"; wait",
                         pid_file.string()},
                .timeout = 2s,
                .kill_grace = 300ms});
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.signal, SIGKILL);
  pid_t grandchild = read_pid(pid_file);
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(ends_within_30s(grandchild)) << "grandchild " << grandchild << " survived";
}

TEST_F(RunProcess, CancellationStopsTheChild) {
  token_.cancel("test");
  auto r = run({.argv = {"sleep", "300"}});
  EXPECT_TRUE(r.cancelled);
  EXPECT_FALSE(r.timed_out);
  EXPECT_FALSE(r.ok());
}

TEST(TailLines, KeepsTheLastLinesWithoutTheTrailingNewline) {
  EXPECT_EQ(tail_lines("a\nb\nc\n", 2), "b\nc");
  EXPECT_EQ(tail_lines("a\nb\nc", 2), "b\nc");
  EXPECT_EQ(tail_lines("a\nb\nc\n\n\n", 5), "a\nb\nc");
  EXPECT_EQ(tail_lines("", 3), "");
  EXPECT_EQ(tail_lines("one line", 1), "one line");
}

}  // namespace
}  // namespace drkit
