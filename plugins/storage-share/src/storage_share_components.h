// Registration functions of the storage-share plugin's components, one per file.
#pragma once

#include "drkit/registry.hpp"

namespace drkit::storage_share {

void register_copy_backups(Registry& r);
void register_reachable_probe(Registry& r);
void register_pending_probe(Registry& r);
void register_free_space_probe(Registry& r);

}  // namespace drkit::storage_share
