#include "test_support.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <boost/json.hpp>

extern char** environ;

namespace storage_share_test {

void write_file(const fs::path& path, std::uint64_t size, std::uint64_t seed, std::chrono::seconds age) {
  std::mt19937_64 rng(seed);
  std::string data(size, '\0');
  for (std::uint64_t i = 0; i < size; i += 8) {
    std::uint64_t v = rng();
    std::memcpy(data.data() + i, &v, std::min<std::uint64_t>(8, size - i));
  }
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!f) throw std::runtime_error("cannot write " + path.string());
  }
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  timespec t{now.tv_sec - age.count(), 123456789};
  const timespec times[2] = {t, t};
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

std::string read_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::uint64_t size_of(const fs::path& path) { return fs::file_size(path); }

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> partial_files_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& n : names_in(dir))
    if (n.front() == '.' && n.ends_with(".drkit-partial")) out.push_back(n);
  return out;
}

timespec mtime_of(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("stat " + path.string());
  return st.st_mtim;
}

std::string sha256sum(const fs::path& path) {
  std::string cmd = "sha256sum '" + path.string() + "'";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen sha256sum");
  char buf[256] = {};
  std::string out;
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  ::pclose(p);
  return "sha256:" + out.substr(0, out.find(' '));
}

TmpfsMount::TmpfsMount(const fs::path& dir, const std::string& size) : dir_(dir) {
  std::string opts = "size=" + size + ",mode=0755";
  if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, opts.c_str()) != 0)
    throw std::runtime_error("mount -t tmpfs " + dir.string() + ": " + std::strerror(errno) +
                             " (this test needs root with CAP_SYS_ADMIN to make a real ENOSPC)");
}

TmpfsMount::~TmpfsMount() { ::umount2(dir_.c_str(), MNT_DETACH); }

Child::Child(const std::vector<std::string>& argv) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  stdout_fd_ = fds[0];
  if (rc != 0) {
    ::close(stdout_fd_);
    throw std::runtime_error("spawn " + argv[0] + ": " + std::strerror(rc));
  }
}

Child::~Child() {
  if (!reaped_) {
    kill_hard();
    ::waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

void Child::kill_hard() { ::kill(pid_, SIGKILL); }

int Child::wait(std::string& out) {
  char buf[4096];
  ssize_t n;
  while ((n = ::read(stdout_fd_, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) out.append(buf, static_cast<std::size_t>(n));
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<std::string> copy_child_argv(const boost::json::object& with, const std::string& as_user) {
  std::vector<std::string> argv{STORAGE_SHARE_COPY_CHILD};
  if (!as_user.empty()) {
    argv.push_back("--as-user");
    argv.push_back(as_user);
  }
  argv.push_back(boost::json::serialize(with));
  return argv;
}

int run_copy_child(const boost::json::object& with, boost::json::object& out, const std::string& as_user) {
  Child child(copy_child_argv(with, as_user));
  std::string text;
  int code = child.wait(text);
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  out = (!ec && v.is_object()) ? v.as_object() : boost::json::object{{"unparsed_stdout", text}};
  return code;
}

}  // namespace storage_share_test
