// Is the share folder readable right now, within a time limit?
//
// A hard-mounted NFS or SMB share whose server is gone makes open()/getdents() block in the
// kernel, possibly for minutes, and such a thread cannot be interrupted. So the check runs
// in a forked child that only opens and reads the folder; the parent waits up to the limit
// (cancellably), then kills the child and reports "no answer".
#pragma once

#include <chrono>
#include <string>

#include "drkit/cancellation.hpp"

namespace drkit::storage_share {

struct Reachability {
  bool reachable = false;
  bool timed_out = false;
  int error = 0;        // errno from the child, when it answered with an error
  std::string message;  // "/mnt/share: No such file or directory (ENOENT)"
};

// Throws drkit::Cancelled if `cancel` fires while waiting.
Reachability check_reachable(const std::string& dir, std::chrono::milliseconds within,
                             const CancellationToken& cancel);

}  // namespace drkit::storage_share
