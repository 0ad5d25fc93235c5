#include "drkit/plugin.hpp"
#include "share_params.h"
#include "storage_share_components.h"

namespace {
void register_storage_share(drkit::Registry& r) {
  using namespace drkit::storage_share;
  r.add_resource_type(folder_resource_spec());
  register_copy_backups(r);
  register_reachable_probe(r);
  register_pending_probe(r);
  register_free_space_probe(r);
}
}  // namespace

DRKIT_PLUGIN("storage-share", "0.1.0",
             "Copies complete log backups from the backup share to the copy folder, fast and verified",
             register_storage_share)
