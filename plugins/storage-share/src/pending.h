// What is on the share and not yet at the destination: shared by the `pending` and
// `free_space` probes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "copy_options.h"
#include "drkit/cancellation.hpp"

namespace drkit::storage_share {

struct Pending {
  std::vector<std::string> files;  // complete files missing or of a different size at the destination
  std::uint64_t bytes = 0;         // their size on the share
  std::vector<std::string> growing;  // modified within stable_for: not counted
  std::size_t up_to_date = 0;
};

// Throws drkit::StepError (code "share.unreachable") when the share cannot be read within
// its limit, and OsError for destination errors. A missing destination counts as empty.
Pending find_pending(const ShareLocation& share, const std::filesystem::path& destination,
                     const Selection& selection, const CancellationToken& cancel);

}  // namespace drkit::storage_share
