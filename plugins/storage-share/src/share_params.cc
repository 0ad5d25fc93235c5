#include "share_params.h"

#include <boost/json/array.hpp>

namespace drkit::storage_share {

std::vector<ParamSpec> share_param_specs() {
  return {
      {.name = "source",
       .type = ParamType::string,
       .description = "the share folder: a mounted SMB/CIFS or NFS path, or a local folder "
                      "(give this or `share`)"},
      {.name = "share",
       .type = ParamType::resource,
       .description = "a storage-share.folder resource naming the share (give this or `source`)",
       .resource_type = kFolderResourceType},
      {.name = "reachable_within",
       .type = ParamType::duration,
       .description = "how long the share may take to list its folder before it counts as "
                      "unreachable (default: the resource's, else 10s); a hung SMB/NFS mount "
                      "is checked in a child process so it cannot hang the run"},
  };
}

ParamSpec destination_param_spec() {
  return {.name = "destination",
          .type = ParamType::string,
          .required = true,
          .description = "the copy folder (must exist): where complete log backups are copied"};
}

std::vector<ParamSpec> selection_param_specs() {
  return {
      {.name = "pattern",
       .type = ParamType::string,
       .default_value = "*.trn",
       .description = "shell glob of the file names to copy (fnmatch)"},
      {.name = "ignore",
       .type = ParamType::list,
       .default_value = boost::json::array{"*.wrk", "*.tmp", "*.temp", "*.part", "*.partial",
                                           ".*", "~*"},
       .description = "globs of temporary files never copied even if they match `pattern` "
                      "(the log-shipping copy job writes .wrk files, then renames them)"},
      {.name = "stable_for",
       .type = ParamType::duration,
       .default_value = "5s",
       .description = "a file modified more recently than this is copied only if its size and "
                      "mtime stay unchanged for this long (a backup still being written is left "
                      "for the next run); 0s turns the check off"},
  };
}

ComponentSpec folder_resource_spec() {
  return {.name = "folder",
          .summary = "A backup share folder (a mounted SMB/CIFS or NFS path, or a local folder)",
          .params = {{.name = "path",
                      .type = ParamType::string,
                      .required = true,
                      .description = "the folder's path on this machine"},
                     {.name = "reachable_within",
                      .type = ParamType::duration,
                      .default_value = "10s",
                      .description = "how long listing the folder may take before the share "
                                     "counts as unreachable"}}};
}

void append(std::vector<ParamSpec>& specs, std::vector<ParamSpec> more) {
  for (auto& s : more) specs.push_back(std::move(s));
}

}  // namespace drkit::storage_share
