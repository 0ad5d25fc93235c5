// Scanning the share and the destination: which log backups exist, which are complete,
// which are not yet at the destination.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "copy_options.h"
#include "drkit/cancellation.hpp"
#include "file_name_filter.h"

namespace drkit::storage_share {

struct FileStat {
  std::uint64_t size = 0;
  timespec mtime{};
  bool operator==(const FileStat& o) const {
    return size == o.size && mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec;
  }
};
FileStat file_stat_of(const struct stat& st);

struct SourceFile {
  std::string name;
  FileStat stat;
};

struct ShareListing {
  std::vector<SourceFile> files;  // selected regular files, sorted by name (oldest backup first)
  std::size_t temporary = 0;      // names skipped as temporary (.wrk, ...)
};

// Lists the regular files of the folder `dir_path` whose names `filter` selects.
// Throws OsError(Side::source) naming the folder when it cannot be read.
ShareListing list_share(const std::string& dir_path, const FileNameFilter& filter);

// Splits `files` by the stability rule. A file whose mtime is older than `stable_for` is
// stable. The others are stat'ed again once the window has passed since they were listed:
// unchanged size and mtime means stable, else still growing. Waits (cancellably) only when
// some file is recent. `stable_for` 0 makes every file stable without waiting.
struct Settled {
  std::vector<SourceFile> stable;
  std::vector<std::string> growing;
  std::vector<std::string> vanished;  // deleted from the share while we waited
};
// `dir_path` is the share folder (files are stat'ed by path).
Settled settle(std::vector<SourceFile> files, const std::string& dir_path,
               std::chrono::milliseconds stable_for,
               const CancellationToken& cancel);
// The same split without waiting: recent files count as growing. For plans and probes.
Settled split_recent(std::vector<SourceFile> files, std::chrono::milliseconds stable_for);

enum class CopyReason { missing, size_differs, content_differs };
const char* to_string(CopyReason r);

struct CopyJob {
  SourceFile file;
  CopyReason reason = CopyReason::missing;
  // The destination file's size when one exists (it will be replaced, and reported).
  std::optional<std::uint64_t> destination_size;
  // Same size at the destination and compare = checksum: hash both before deciding.
  bool compare_content = false;
};

struct Comparison {
  std::vector<CopyJob> jobs;            // in source order
  std::vector<std::string> up_to_date;  // same size at the destination (compare = size)
  std::uint64_t bytes = 0;              // sum of the jobs' sizes
};

// Looks up every file in the open destination folder. Throws OsError(Side::destination)
// when a destination entry cannot be stat'ed for a reason other than "missing".
Comparison compare_with_destination(const std::vector<SourceFile>& files, int dest_fd,
                                    const std::string& dest_path, CompareMode mode);

// "64.0 MiB"
std::string format_bytes(std::uint64_t bytes);

}  // namespace drkit::storage_share
