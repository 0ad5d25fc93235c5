// FileCopier: copies one log backup so that the destination never holds a partial file
// under its final name.
//
// The data goes to ".<name>.drkit-partial" (created with O_EXCL), which is fsync'ed, given the
// source's mode and mtime, optionally verified, renamed over the final name, and the folder
// fsync'ed. Any failure or cancellation removes the partial file. A crash (kill -9, power
// loss) can leave a partial file behind, never a short final file; DestinationFolder
// removes leftovers before the next run.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "copy_options.h"
#include "drkit/cancellation.hpp"
#include "rate_limiter.h"
#include "share_scan.h"

namespace drkit::storage_share {

struct CopyRequest {
  const SourceFile* file = nullptr;  // the name, and the size and mtime the scan saw
  // Opened by path, not relative to a folder descriptor, so a share that vanishes or is
  // remounted at its path is noticed at the next file.
  std::string source_path;
  int dest_dir = -1;      // open destination folder
  std::string dest_path;  // for messages
  CopyMethod method = CopyMethod::automatic;
  ChecksumAlgorithm checksum = ChecksumAlgorithm::none;
};

enum class CopyOutcome {
  copied,
  // The source's size or mtime changed since the scan, or it shrank while being read: it is
  // still being written. Nothing was renamed; the next run copies it.
  source_changed,
};

struct CopyResult {
  CopyOutcome outcome = CopyOutcome::copied;
  std::uint64_t bytes = 0;
  std::string checksum;  // "xxh3:..." when requested, verified against the destination
  CopyMethod method_used = CopyMethod::read_write;
};

class FileCopier {
 public:
  // `on_bytes` is called with each chunk's byte count, from the calling thread.
  FileCopier(const CancellationToken& cancel, RateLimiter& limiter,
             std::function<void(std::uint64_t)> on_bytes);

  // Throws OsError naming the file and the failed call, or drkit::Cancelled.
  // copy_file_range and sendfile fall back to read/write where the file systems refuse
  // them (EXDEV, EINVAL, ENOSYS, EOPNOTSUPP). A checksum needs the bytes in user space, so
  // it implies read/write.
  CopyResult copy(const CopyRequest& request);

 private:
  const CancellationToken& cancel_;
  RateLimiter& limiter_;
  std::function<void(std::uint64_t)> on_bytes_;
};

}  // namespace drkit::storage_share
