#include "reachability.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "os_error.h"
#include "drkit/unique_fd.hpp"

namespace drkit::storage_share {

namespace {

// Runs in the forked child of a possibly multi-threaded process: raw system calls only.
[[noreturn]] void probe_in_child(const char* dir, int report_fd) {
  int result = 0;
  int fd = static_cast<int>(::syscall(SYS_openat, AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd < 0) {
    result = errno;
  } else {
    alignas(8) char buf[4096];
    if (::syscall(SYS_getdents64, fd, buf, sizeof buf) < 0) result = errno;
  }
  ssize_t ignored = ::write(report_fd, &result, sizeof result);
  (void)ignored;
  ::_exit(0);
}

void reap(pid_t pid, bool kill_first) {
  if (kill_first) ::kill(pid, SIGKILL);
  // A child stuck in an uninterruptible NFS wait dies only when the kernel lets it; don't
  // block on it (it then stays a zombie until it does).
  for (int i = 0; i < 20; ++i) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return;
    ::usleep(5'000);
  }
}

}  // namespace

Reachability check_reachable(const std::string& dir, std::chrono::milliseconds within,
                             const CancellationToken& cancel) {
  Reachability out;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    out.error = errno;
    out.message = fmt::format("{}: cannot check (pipe: {})", dir, describe_errno(errno));
    return out;
  }
  UniqueFd read_end(fds[0]), write_end(fds[1]);

  pid_t pid = ::fork();
  if (pid < 0) {
    out.error = errno;
    out.message = fmt::format("{}: cannot check (fork: {})", dir, describe_errno(errno));
    return out;
  }
  if (pid == 0) probe_in_child(dir.c_str(), write_end.get());
  write_end.reset();

  auto deadline = std::chrono::steady_clock::now() + within;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      reap(pid, true);
      out.timed_out = true;
      out.error = ETIMEDOUT;
      out.message = fmt::format("{}: no answer within {} ms (a hung SMB/NFS mount?)", dir, within.count());
      return out;
    }
    if (cancel.cancelled()) {
      reap(pid, true);
      cancel.throw_if_cancelled();
    }
    pollfd p{read_end.get(), POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 100)));
    if (ready < 0 && errno != EINTR) {
      reap(pid, true);
      out.error = errno;
      out.message = fmt::format("{}: cannot check (poll: {})", dir, describe_errno(errno));
      return out;
    }
    if (ready <= 0) continue;
    int result = -1;
    ssize_t n = ::read(read_end.get(), &result, sizeof result);
    reap(pid, n != sizeof result);
    if (n != static_cast<ssize_t>(sizeof result)) {
      out.error = EIO;
      out.message = fmt::format("{}: the check ended without an answer", dir);
      return out;
    }
    out.error = result;
    out.reachable = result == 0;
    out.message = result == 0 ? fmt::format("{} is readable", dir)
                              : fmt::format("{}: {}", dir, describe_errno(result));
    return out;
  }
}

}  // namespace drkit::storage_share
