// DestinationFolder: the open copy folder, locked against a second copier, with the
// partial files of a killed run cleared away.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "file_name_filter.h"
#include "drkit/unique_fd.hpp"

namespace drkit::storage_share {

class DestinationFolder {
 public:
  // Opens `path`, which must be an existing folder (a missing copy folder usually means an
  // unmounted disk: writing into the mount point would be wrong). Throws OsError.
  explicit DestinationFolder(const std::filesystem::path& path);

  int fd() const { return fd_.get(); }
  const std::string& path() const { return path_; }
  // "<folder>/<name>"
  std::string path_of(const std::string& name) const { return path_ + "/" + name; }

  // Takes an exclusive flock(2) on the folder, held until this object dies. Returns false
  // when another copier holds it. A file system without locks (some NFS setups) counts as
  // locked, and `note` says so.
  bool try_lock(std::string& note);

  // Removes ".<name>.drkit-partial" files that a killed run left behind; returns their names.
  // Must hold the lock (else they may belong to a live copier). Throws OsError.
  std::vector<std::string> remove_leftovers();

  // Names of the regular files `filter` selects: what the destination already has.
  std::vector<std::string> matching_files(const FileNameFilter& filter) const;

 private:
  std::string path_;
  UniqueFd fd_;
};

}  // namespace drkit::storage_share
