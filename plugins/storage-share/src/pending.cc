#include "pending.h"

#include <sys/stat.h>

#include <cerrno>

#include "destination_folder.h"
#include "drkit/errors.hpp"
#include "file_name_filter.h"
#include "os_error.h"
#include "reachability.h"
#include "share_scan.h"

namespace drkit::storage_share {

Pending find_pending(const ShareLocation& share, const std::filesystem::path& destination,
                     const Selection& selection, const CancellationToken& cancel) {
  Reachability reach = check_reachable(share.path.string(), share.reachable_within, cancel);
  if (!reach.reachable) throw StepError(reach.message, Retryable::yes, "share.unreachable");
  FileNameFilter filter(selection.pattern, selection.ignore);
  ShareListing listing;
  try {
    listing = list_share(share.path.string(), filter);
  } catch (const OsError& e) {
    throw StepError(e.what(), Retryable::yes, "share.unreachable");
  }
  Settled settled = split_recent(std::move(listing.files), selection.stable_for);

  Pending out;
  out.growing = std::move(settled.growing);
  struct stat st {};
  if (::stat(destination.c_str(), &st) != 0 && errno == ENOENT) {
    for (const auto& f : settled.stable) {
      out.files.push_back(f.name);
      out.bytes += f.stat.size;
    }
    return out;
  }
  DestinationFolder dest(destination);
  Comparison cmp = compare_with_destination(settled.stable, dest.fd(), dest.path(), CompareMode::size);
  for (const auto& j : cmp.jobs) out.files.push_back(j.file.name);
  out.bytes = cmp.bytes;
  out.up_to_date = cmp.up_to_date.size();
  return out;
}

}  // namespace drkit::storage_share
