// copy_in_parallel: runs the copy jobs on a small pool of threads and collects the outcome.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "copy_options.h"
#include "destination_folder.h"
#include "drkit/context.hpp"
#include "share_scan.h"

namespace drkit::storage_share {

struct CopiedFile {
  std::string name;
  std::uint64_t bytes = 0;
  CopyReason reason = CopyReason::missing;
  std::optional<std::uint64_t> replaced_size;  // the destination's old size, if replaced
  std::string checksum;                        // when requested
  CopyMethod method = CopyMethod::read_write;
};

struct FailedFile {
  std::string name;
  std::string error;  // names the file, the call and the OS error
  int err = 0;
};

struct CopyReport {
  std::vector<CopiedFile> copied;                 // sorted by name (job order)
  std::map<std::string, std::string> identical;   // compare=checksum: same content, digest
  std::vector<std::string> growing;               // changed while being copied: left for later
  std::vector<FailedFile> failed;                // sorted by name
  std::size_t not_attempted = 0;  // jobs never started because the run stopped early
  // Set when the share stopped answering mid-run: why.
  std::optional<std::string> share_lost;
  bool destination_full = false;
  std::uint64_t bytes = 0;
};

// Copies `jobs` from the share to `dest` with `o.parallel` threads, oldest first.
// Reports progress in files and in bytes. A failed file does not stop the others, except
// that a full destination, or a share that no longer answers, stops new copies (in-flight
// ones finish or fail). Throws drkit::Cancelled after every thread has stopped and removed
// its partial file, if the run was cancelled.
CopyReport copy_in_parallel(const std::vector<CopyJob>& jobs, const CopyOptions& o,
                            const DestinationFolder& dest, Context& ctx);

}  // namespace drkit::storage_share
