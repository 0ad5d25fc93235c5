// RunLock: at most one run per manifest + pipeline + environment at a time.
//
// A lock file in `state_dir`/locks/, held with flock(2) for the life of the process, so the
// kernel releases it when the holder dies (kill -9, power loss). The file's content names
// the holder (run id, pid, host, start time) for the "locked by" message. A run left
// "running" in the journal by a dead holder is detected by the engine (lock free + active
// run row) and is never silently taken over: only `drkit resume` does that.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "drkit/unique_fd.hpp"

namespace drkit {

struct LockHolder {
  std::string run_id;
  int pid = 0;
  std::string host;
  std::string started_at;  // ISO 8601 UTC
};

class RunLock {
 public:
  // Tries to take the lock for `key`. Returns nullopt and fills `holder` (when readable)
  // if another live process holds it. Throws std::runtime_error if the lock file cannot be
  // created.
  static std::optional<RunLock> try_acquire(const std::filesystem::path& state_dir,
                                            const std::string& key, const LockHolder& me,
                                            LockHolder* holder);
  // Closing the only descriptor (destruction, or assigning over it) releases the flock.
  // The holder line stays: it is only read while the lock is held.
  RunLock(RunLock&&) noexcept = default;
  RunLock& operator=(RunLock&&) noexcept = default;

  // Rewrites the holder line (e.g. once the run id is known). Throws std::runtime_error
  // if the file cannot be written.
  void update_holder(const LockHolder& me);
  const std::filesystem::path& path() const { return path_; }

 private:
  RunLock(UniqueFd fd, std::filesystem::path path, std::string key)
      : fd_(std::move(fd)), path_(std::move(path)), key_(std::move(key)) {}
  UniqueFd fd_;                 // holds the flock
  std::filesystem::path path_;  // state_dir/locks/<first 16 hex digits of sha256(key)>.lock
  std::string key_;             // written into the holder line, for whoever inspects the file
};

}  // namespace drkit
