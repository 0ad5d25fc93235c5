// Shared fixtures of the storage-share integration tests: temporary folders, files with
// known content, a tmpfs mount, and child processes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "temp_dir.h"

namespace storage_share_test {

namespace fs = std::filesystem;

// Mode 0755, so an unprivileged child can enter it.
class TempDir : public drkit::test_support::TempDir {
 public:
  explicit TempDir(const std::string& prefix = "drkit-share-test") : drkit::test_support::TempDir(prefix, 0755) {}
};

// Writes `size` pseudo-random bytes (a function of `seed`) and sets the mtime `age` ago:
// finished log backups are old, so the stability window does not delay the tests.
void write_file(const fs::path& path, std::uint64_t size, std::uint64_t seed,
                std::chrono::seconds age = std::chrono::hours(1));
std::string read_file(const fs::path& path);
std::uint64_t size_of(const fs::path& path);
// Regular files and their names, sorted; hidden ones (partial files) included.
std::vector<std::string> names_in(const fs::path& dir);
// Names of ".<name>.drkit-partial" files in `dir`.
std::vector<std::string> partial_files_in(const fs::path& dir);
// mtime with nanoseconds.
timespec mtime_of(const fs::path& path);
// Runs `sha256sum FILE` (the coreutils tool) and returns "sha256:<hex>".
std::string sha256sum(const fs::path& path);

// Mounts a tmpfs of `size` ("8m") on `dir`; lazily unmounts it when the object dies.
// Throws std::runtime_error naming the reason when the mount is refused (no CAP_SYS_ADMIN).
class TmpfsMount {
 public:
  TmpfsMount(const fs::path& dir, const std::string& size);
  ~TmpfsMount();
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

 private:
  fs::path dir_;
};

// A child process with its stdout captured. Killed (SIGKILL) and reaped if still running
// when the object dies.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  void kill_hard();
  // Waits for the exit; returns the exit status (or 128 + signal) and the captured stdout.
  int wait(std::string& out);

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  bool reaped_ = false;
};

// Runs the copy child (STORAGE_SHARE_COPY_CHILD) to completion: returns its exit code and
// parses its JSON line into `out`.
int run_copy_child(const boost::json::object& with, boost::json::object& out, const std::string& as_user = "");
std::vector<std::string> copy_child_argv(const boost::json::object& with, const std::string& as_user = "");

// Polls `condition` every 10 ms until it holds or `limit` passes; returns whether it held.
template <class F>
bool wait_until(F condition, std::chrono::milliseconds limit = std::chrono::seconds(60));

}  // namespace storage_share_test

#include <thread>

template <class F>
bool storage_share_test::wait_until(F condition, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}
