// OsError: a failed system call on a named file, carrying errno.
#pragma once

#include <stdexcept>
#include <string>

namespace drkit::storage_share {

// Where a failure happened decides what the copier does next: a source error may mean the
// share went away, a destination error like ENOSPC stops every copy.
enum class Side { source, destination };

// "Permission denied (EACCES)": strerror plus the errno name, so operators can search it.
std::string describe_errno(int err);

class OsError : public std::runtime_error {
 public:
  // what(): "<operation> <path>: <describe_errno(err)>", e.g.
  // "open /mnt/share/a.trn: Permission denied (EACCES)".
  OsError(Side side, std::string operation, std::string path, int err);

  Side side() const noexcept { return side_; }
  int error() const noexcept { return err_; }
  const std::string& path() const noexcept { return path_; }

 private:
  Side side_;
  std::string path_;
  int err_;
};

// True for errors that a later attempt may not see (network file systems, timeouts).
bool is_transient(int err);
// True for errors that will fail every further copy into the same destination.
bool is_destination_full(int err);

}  // namespace drkit::storage_share
