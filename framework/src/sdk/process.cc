// run_process uses posix_spawn and poll rather than Poco::Process: Poco's pipes block on
// read, so it cannot watch stdout, stderr, a timeout and the cancellation token at once,
// and it cannot put the child in its own process group for a clean group kill.
#include "drkit/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "drkit/unique_fd.hpp"

extern char** environ;

namespace drkit {

namespace {


struct PipePair {
  UniqueFd read, write;
};

PipePair make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw StepError(fmt::format("cannot create a pipe: {}", std::strerror(errno)),
                    Retryable::yes);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void keep_tail(std::string& buffer, const char* data, std::size_t n, std::size_t limit,
               bool& truncated) {
  buffer.append(data, n);
  if (buffer.size() > limit) {
    buffer.erase(0, buffer.size() - limit);
    truncated = true;
  }
}

std::vector<std::string> merged_env(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos && extra.count(std::string(kv.substr(0, eq)))) continue;
    env.emplace_back(kv);
  }
  for (const auto& [k, v] : extra) env.push_back(k + "=" + v);
  return env;
}

}  // namespace

ProcessResult run_process(Context& ctx, const ProcessRequest& req) {
  if (req.argv.empty()) throw StepError("run_process: empty argv");
  auto out = make_pipe();
  auto err = make_pipe();
  auto in = make_pipe();

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out.write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err.write.get(), 2);
  if (!req.working_dir.empty())
    posix_spawn_file_actions_addchdir_np(&actions, req.working_dir.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);

  std::vector<char*> argv;
  for (const auto& a : req.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto env_strings = merged_env(req.env);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    throw StepError(fmt::format("cannot start '{}': {}", req.argv[0], std::strerror(rc)));
  ctx.child_started(pid);

  in.read.reset();
  out.write.reset();
  err.write.reset();
  if (req.stdin_data.empty()) in.write.reset();
  ::fcntl(in.write.get(), F_SETFL, O_NONBLOCK);

  ProcessResult result;
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::size_t stdin_sent = 0;
  Clock::time_point term_sent{};
  bool killed = false;
  char buf[65536];
  int status = 0;
  bool exited = false;
  Clock::time_point exited_at{};
  // After the child exits, output still in the pipes is read for this long. A process it
  // started in the background ("daemon &") may hold the pipes open for its whole life:
  // waiting for their end would hang the step until that process exits.
  constexpr auto kOutputAfterExit = std::chrono::milliseconds(500);

  while (true) {
    std::vector<pollfd> fds;
    if (out.read.get() >= 0) fds.push_back({out.read.get(), POLLIN, 0});
    if (err.read.get() >= 0) fds.push_back({err.read.get(), POLLIN, 0});
    if (in.write.get() >= 0) fds.push_back({in.write.get(), POLLOUT, 0});
    if (fds.empty()) {
      // Both output streams closed: the child has exited or closed them; reap below.
      if (exited) break;
      if (::waitpid(pid, &status, WNOHANG) == pid) { exited = true; break; }
    }
    ::poll(fds.data(), fds.size(), 50);
    for (const auto& p : fds) {
      if (!(p.revents & (POLLIN | POLLHUP | POLLERR | POLLOUT))) continue;
      if (p.fd == in.write.get()) {
        ssize_t n = ::write(p.fd, req.stdin_data.data() + stdin_sent,
                            req.stdin_data.size() - stdin_sent);
        if (n > 0) stdin_sent += static_cast<std::size_t>(n);
        if (n < 0 && errno != EAGAIN) in.write.reset();  // the child closed its stdin
        if (stdin_sent == req.stdin_data.size()) in.write.reset();
        continue;
      }
      ssize_t n = ::read(p.fd, buf, sizeof buf);
      bool is_out = p.fd == out.read.get();
      if (n > 0) {
        keep_tail(is_out ? result.stdout_text : result.stderr_text, buf,
                  static_cast<std::size_t>(n), req.capture_limit, result.truncated);
      } else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        (is_out ? out.read : err.read).reset();
      }
    }
    auto now = Clock::now();
    if (!result.timed_out && !result.cancelled) {
      if (req.timeout.count() > 0 && now - start >= req.timeout) result.timed_out = true;
      else if (ctx.cancellation().cancelled()) result.cancelled = true;
      if (result.timed_out || result.cancelled) {
        ::kill(-pid, SIGTERM);
        term_sent = now;
      }
    } else if (!killed && now - term_sent >= req.kill_grace) {
      ::kill(-pid, SIGKILL);
      killed = true;
    }
    const bool pipes_closed = out.read.get() < 0 && err.read.get() < 0;
    if (!exited && pipes_closed) {
      pid_t w = ::waitpid(pid, &status, (result.timed_out || result.cancelled) ? WNOHANG : 0);
      if (w == pid) { exited = true; break; }
    } else if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      exited_at = now;
    }
    if (exited && pipes_closed) break;
    if (exited && now - exited_at >= kOutputAfterExit) {
      ctx.log().warn(fmt::format("'{}' exited, but a process it started still holds its output open: "
                                 "not waiting for it (redirect a background process's output to a file)",
                                 req.argv[0]));
      break;
    }
  }
  if (!exited) ::waitpid(pid, &status, 0);
  // Grandchildren that kept no pipe open may outlive the child; end the group with it.
  if (result.timed_out || result.cancelled) ::kill(-pid, SIGKILL);
  ctx.child_finished(pid);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

std::string tail_lines(const std::string& text, std::size_t max_lines) {
  std::size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') --end;
  std::size_t pos = end;
  std::size_t lines = 0;
  while (pos > 0) {
    if (text[pos - 1] == '\n' && ++lines == max_lines) break;
    --pos;
  }
  return text.substr(pos, end - pos);
}

}  // namespace drkit
