// Gates typed at a terminal, and the modes of what drkit creates in its state dir.
//
// The real drkit binary runs on a pseudo-terminal (forkpty): its stdin, stdout and stderr
// are the terminal, and the test types on the other side like an operator: the step id,
// a wrong answer, Ctrl-D, Ctrl-C.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drkit_process.h"
#include "drkit/unique_fd.hpp"

extern char** environ;

namespace drkit::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using ::testing::HasSubstr;
using ::testing::Not;

// Generous: the machine may be loaded; these only keep a broken build from hanging.
constexpr auto kLimit = 90s;

struct PtyOptions {
  std::optional<mode_t> umask;           // the child's umask
  std::optional<fs::path> stderr_file;   // stderr to this file instead of the terminal
};

// drkit on a pseudo-terminal. The destructor kills and reaps it if it is still running.
class PtyDrkit {
 public:
  PtyDrkit(const std::vector<std::string>& args, const PtyOptions& options = {}) {
    // Everything the child needs is built before fork: after it, only exec.
    std::vector<std::string> argv_s = {DRKIT_BIN};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e)
      if (std::string_view(*e).rfind("TERM=", 0) != 0) env_s.emplace_back(*e);
    env_s.emplace_back("TERM=xterm");
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string err_file = options.stderr_file ? options.stderr_file->string() : "";

    int master = -1;
    pid_ = ::forkpty(&master, nullptr, nullptr, nullptr);
    if (pid_ < 0) throw std::runtime_error(fmt::format("forkpty: {}", std::strerror(errno)));
    if (pid_ == 0) {
      if (options.umask) ::umask(*options.umask);
      if (!err_file.empty()) {
        int fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || ::dup2(fd, STDERR_FILENO) < 0) ::_exit(126);
      }
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    master_ = UniqueFd(master);
  }

  ~PtyDrkit() {
    if (!reaped_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  PtyDrkit(const PtyDrkit&) = delete;
  PtyDrkit& operator=(const PtyDrkit&) = delete;

  // Reads the terminal until `text` has appeared in everything drkit wrote so far. False if it
  // did not within `limit`, or the terminal closed first.
  bool wait_for(const std::string& text, std::chrono::seconds limit = kLimit) {
    auto until = Clock::now() + limit;
    while (out_.find(text) == std::string::npos) {
      if (closed_ || Clock::now() > until) return false;
      read_some(100ms);
    }
    return true;
  }

  // Keys as the terminal would get them: "go\r" is g, o, Enter; "\x03" Ctrl-C; "\x04" Ctrl-D.
  void type(const std::string& keys) {
    std::size_t done = 0;
    while (done < keys.size()) {
      ssize_t n = ::write(master_.get(), keys.data() + done, keys.size() - done);
      if (n < 0 && errno == EINTR) continue;
      ASSERT_GT(n, 0) << "typing on the terminal: " << std::strerror(errno);
      done += static_cast<std::size_t>(n);
    }
  }

  // drkit's exit code, reading the terminal meanwhile (so it never blocks writing to it);
  // -999 if it did not exit within `limit` (then it is killed).
  int wait_exit(std::chrono::seconds limit = kLimit) {
    auto until = Clock::now() + limit;
    int status = 0;
    while (!reaped_) {
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        reaped_ = true;
        break;
      }
      if (Clock::now() > until) return -999;
      read_some(50ms);
    }
    // Whatever it wrote last is still in the terminal's buffer.
    for (int i = 0; i < 100 && !closed_; ++i) read_some(20ms);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }

  const std::string& output() const { return out_; }

 private:
  void read_some(std::chrono::milliseconds timeout) {
    pollfd p{master_.get(), POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (n <= 0) return;
    char buf[4096];
    ssize_t got = ::read(master_.get(), buf, sizeof buf);
    if (got > 0) {
      out_.append(buf, static_cast<std::size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      closed_ = true;  // EIO: every process holding the terminal is gone
    }
  }

  pid_t pid_ = -1;
  UniqueFd master_;
  bool reaped_ = false;
  bool closed_ = false;
  std::string out_;
};

std::string user_at_host() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const auto* pw = ::getpwuid(::getuid());
  return fmt::format("{}@{}", pw ? pw->pw_name : std::to_string(::getuid()), host);
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

constexpr const char* kQuestion = "Fail the pool over to the backup site?";

class TerminalGate : public ::testing::Test {
 protected:
  // One pipeline `p`: the gated step `promote` appends a line to `ran` (its side effect),
  // after an optional first step.
  void manifest(const std::string& before = "") {
    write_file(dir_ / "drkit.json",
               fmt::format(R"({{"drkit": 1, "pipelines": {{"p": {{"steps": [{}
                   {{"id": "promote", "uses": "core.exec", "confirm": "{}",
                     "with": {{"argv": ["sh", "-c", "echo promoted >> {}"]}}}}]}}}}}})",
                           before, kQuestion, (dir_ / "ran").string()));
  }
  std::vector<std::string> with_dirs(std::vector<std::string> args) const {
    args.insert(args.end(), {"-m", (dir_ / "drkit.json").string(), "--state-dir", state_.string()});
    return args;
  }
  json::object report(const std::string& run_id = "last") {
    auto r = drkit(with_dirs({"report", run_id, "--format", "json"}));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out).as_object();
  }
  std::size_t times_ran() { return lines_of(read_file(dir_ / "ran")).size(); }

  TempDir dir_;
  fs::path state_ = dir_ / "state";
};

TEST_F(TerminalGate, PromptShowsTheGateTextAndAWrongAnswerRefuses) {
  manifest();
  PtyDrkit d(with_dirs({"run", "p"}));
  ASSERT_TRUE(d.wait_for("type 'promote' and Enter to approve")) << d.output();
  EXPECT_THAT(d.output(), HasSubstr(std::string("promote: ") + kQuestion));
  d.type("promote-now\r");
  // docs/cli.md: a refused gate fails the step and the run (exit 1); the step never runs.
  EXPECT_EQ(d.wait_exit(), 1) << d.output();
  EXPECT_THAT(d.output(), HasSubstr("refused: the answer was not 'promote'"));
  EXPECT_FALSE(fs::exists(dir_ / "ran"));
  auto rep = report();
  EXPECT_EQ(rep.at("run").at("status").as_string(), "failed");
  const auto& approvals = rep.at("approvals").as_array();
  ASSERT_EQ(approvals.size(), 1u);
  EXPECT_FALSE(approvals[0].at("approved").as_bool());
  EXPECT_EQ(approvals[0].at("method").as_string(), "terminal");
  EXPECT_EQ(approvals[0].at("approver").as_string(), user_at_host());
}

TEST_F(TerminalGate, TypingTheStepIdApprovesAndJournalsWhoAndWhat) {
  manifest();
  PtyDrkit d(with_dirs({"run", "p"}));
  ASSERT_TRUE(d.wait_for("type 'promote' and Enter to approve")) << d.output();
  d.type("promote\r");
  EXPECT_EQ(d.wait_exit(), 0) << d.output();
  EXPECT_EQ(times_ran(), 1u);
  auto rep = report();
  EXPECT_EQ(rep.at("run").at("status").as_string(), "succeeded");
  const auto& approvals = rep.at("approvals").as_array();
  ASSERT_EQ(approvals.size(), 1u);
  const auto& a = approvals[0].as_object();
  EXPECT_EQ(a.at("step_id").as_string(), "promote");
  EXPECT_TRUE(a.at("approved").as_bool());
  EXPECT_EQ(a.at("method").as_string(), "terminal");
  EXPECT_EQ(a.at("approver").as_string(), user_at_host());
  EXPECT_EQ(a.at("gate_text").as_string(), kQuestion);
  EXPECT_FALSE(a.at("decided_at").as_string().empty());
}

TEST_F(TerminalGate, EndOfInputRefusesWithoutHanging) {
  manifest();
  PtyDrkit d(with_dirs({"run", "p"}));
  ASSERT_TRUE(d.wait_for("type 'promote' and Enter to approve")) << d.output();
  d.type("\x04");  // Ctrl-D at the start of the line: end of input
  EXPECT_EQ(d.wait_exit(), 1) << d.output();
  EXPECT_THAT(d.output(), HasSubstr("refused: no answer (end of input)"));
  EXPECT_FALSE(fs::exists(dir_ / "ran"));
  auto rep = report();
  const auto& approvals = rep.at("approvals").as_array();
  ASSERT_EQ(approvals.size(), 1u);
  EXPECT_FALSE(approvals[0].at("approved").as_bool());
  EXPECT_EQ(approvals[0].at("method").as_string(), "terminal: end of input");
}

TEST_F(TerminalGate, CtrlCInterruptsTheRunWhichResumesAtTheGate) {
  manifest();
  std::string run_id;
  {
    PtyDrkit d(with_dirs({"run", "p"}));
    ASSERT_TRUE(d.wait_for("type 'promote' and Enter to approve")) << d.output();
    d.type("prom\x03");  // half an answer, then Ctrl-C
    EXPECT_EQ(d.wait_exit(), 4) << d.output();
    EXPECT_THAT(d.output(), HasSubstr("SIGINT received"));
    EXPECT_FALSE(fs::exists(dir_ / "ran"));
    auto rep = report();
    EXPECT_EQ(rep.at("run").at("status").as_string(), "interrupted");
    const auto& approvals = rep.at("approvals").as_array();
    ASSERT_EQ(approvals.size(), 1u);
    EXPECT_FALSE(approvals[0].at("approved").as_bool());
    EXPECT_EQ(approvals[0].at("method").as_string(), "terminal: interrupted");
    // Nobody refused the gate: its attempt is interrupted, not failed.
    const auto& attempts = rep.at("attempts").as_array();
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_EQ(attempts[0].at("kind").as_string(), "gate");
    EXPECT_EQ(attempts[0].at("status").as_string(), "interrupted");
    EXPECT_THAT(d.output(), ::testing::Not(HasSubstr("the gate was refused")));
    run_id = std::string(rep.at("run").at("id").as_string());
  }
  // Resumable: the gate asks again, and the step runs once.
  PtyDrkit d(with_dirs({"resume", run_id}));
  ASSERT_TRUE(d.wait_for("type 'promote' and Enter to approve")) << d.output();
  d.type("promote\r");
  EXPECT_EQ(d.wait_exit(), 0) << d.output();
  EXPECT_EQ(times_ran(), 1u);
  auto rep = report(run_id);
  EXPECT_EQ(rep.at("run").at("status").as_string(), "succeeded");
  const auto& approvals = rep.at("approvals").as_array();
  ASSERT_EQ(approvals.size(), 2u);
  EXPECT_TRUE(approvals[1].at("approved").as_bool());
}

TEST_F(TerminalGate, AnswerTypedBeforeThePromptDoesNotApprove) {
  // The first step waits until the test has typed the gate's answer ahead of its question.
  manifest(fmt::format(R"({{"id": "first", "uses": "core.exec", "with": {{"argv": ["sh", "-c",
                   "touch {0}/started; while [ ! -e {0}/go-on ]; do sleep 0.05; done"]}}}},)",
                       dir_.path().string()));
  PtyDrkit d(with_dirs({"run", "p"}));
  ASSERT_TRUE(wait_for_file(dir_ / "started", kLimit)) << d.output();
  d.type("promote\r");
  ASSERT_TRUE(d.wait_for("promote\r\n")) << d.output();  // echoed: the terminal has the line
  write_file(dir_ / "go-on", "");
  ASSERT_TRUE(d.wait_for("type 'promote' and Enter to approve")) << d.output();
  d.type("no\r");  // had the early line been taken, drkit would have approved and exited 0
  EXPECT_EQ(d.wait_exit(), 1) << d.output();
  EXPECT_FALSE(fs::exists(dir_ / "ran"));
}

TEST_F(TerminalGate, PromptReachesTheTerminalWhenStderrIsAFile) {
  manifest();
  PtyDrkit d(with_dirs({"run", "p"}), {.umask = std::nullopt, .stderr_file = dir_ / "stderr.log"});
  ASSERT_TRUE(d.wait_for("type 'promote' and Enter to approve")) << d.output();
  d.type("promote\r");
  EXPECT_EQ(d.wait_exit(), 0) << d.output();
  EXPECT_EQ(times_ran(), 1u);
  EXPECT_THAT(read_file(dir_ / "stderr.log"), HasSubstr("approved by " + user_at_host()));
}

// Every folder drkit creates in (and for) its state dir is 0700 and every file 0600, with
// the most permissive umask, while a run holds the journal open (-wal, -shm, the lock, the
// log) and after it.
TEST_F(TerminalGate, StateDirFoldersAre0700AndFiles0600WhateverTheUmask) {
  write_file(dir_ / "drkit.json",
             fmt::format(R"({{"drkit": 1, "pipelines": {{"p": {{"steps": [{{"id": "hold", "uses": "core.exec",
                 "with": {{"argv": ["sh", "-c", "echo output; touch {0}/started; while [ ! -e {0}/go-on ]; do sleep 0.05; done"]}}}}]}}}}}})",
                         dir_.path().string()));
  state_ = dir_ / "made-by-drkit" / "state";
  auto expect_private = [&](const std::string& when) {
    std::vector<fs::path> dirs = {dir_ / "made-by-drkit"}, files;
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "made-by-drkit"))
      (e.is_directory() ? dirs : files).push_back(e.path());
    for (const auto& d : dirs) EXPECT_EQ(mode_of(d), 0700u) << when << ": " << d;
    for (const auto& f : files) EXPECT_EQ(mode_of(f), 0600u) << when << ": " << f;
    return files;
  };
  PtyDrkit d(with_dirs({"run", "p"}), {.umask = 0, .stderr_file = std::nullopt});
  ASSERT_TRUE(wait_for_file(dir_ / "started", kLimit)) << d.output();
  auto files = expect_private("during the run");
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(fs::relative(f, state_).string());
  EXPECT_THAT(names, ::testing::IsSupersetOf({"journal.db", "journal.db-wal", "journal.db-shm"}));
  EXPECT_EQ(std::count_if(names.begin(), names.end(), [](const auto& n) { return n.rfind("locks/", 0) == 0; }), 1);
  EXPECT_EQ(std::count_if(names.begin(), names.end(), [](const auto& n) { return n.rfind("logs/", 0) == 0; }), 1);
  write_file(dir_ / "go-on", "");
  EXPECT_EQ(d.wait_exit(), 0) << d.output();
  expect_private("after the run");
  EXPECT_THAT(d.output(), Not(HasSubstr("warning: state dir")));
}

TEST_F(TerminalGate, LooseExistingStateDirIsWarnedAboutNotChmodded) {
  manifest();
  fs::create_directories(state_);
  fs::permissions(state_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec,
                  fs::perm_options::replace);
  auto r = drkit(with_dirs({"run", "p", "--approve", "promote"}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(fmt::format("warning: state dir {} has mode 0755", state_.string())));
  EXPECT_THAT(r.err, HasSubstr("chmod 700 " + state_.string()));
  EXPECT_EQ(mode_of(state_), 0755u);
  EXPECT_EQ(mode_of(state_ / "journal.db"), 0600u);
  EXPECT_EQ(mode_of(state_ / "logs"), 0700u);
}

}  // namespace
}  // namespace drkit::test
