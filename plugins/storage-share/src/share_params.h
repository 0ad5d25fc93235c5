// The parameter specs the storage-share components have in common, so each is written once.
#pragma once

#include <vector>

#include "drkit/spec.hpp"

namespace drkit::storage_share {

inline constexpr const char* kFolderResourceType = "storage-share.folder";

// `source` or `share`, and `reachable_within`.
std::vector<ParamSpec> share_param_specs();
// `destination`.
ParamSpec destination_param_spec();
// `pattern`, `ignore`, `stable_for`.
std::vector<ParamSpec> selection_param_specs();

// The resource type `storage-share.folder`: a share path declared once in the manifest.
ComponentSpec folder_resource_spec();

// Appends `more` to `specs`.
void append(std::vector<ParamSpec>& specs, std::vector<ParamSpec> more);

}  // namespace drkit::storage_share
