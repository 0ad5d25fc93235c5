// Building the lab's estate: databases, mirroring and log shipping, by running a drkit
// pipeline of sqlserver.execute steps against the simulators (the lab is built with drkit).
#pragma once

#include "global_options.h"
#include "lab_layout.h"

namespace drkit::cli {

// The set-up manifest's text for `lab`: pipelines "primary-site" (databases, seed backups,
// mirroring, log shipping primary side) and "backup-site" (secondary restore, log shipping
// secondary side).
std::string lab_setup_manifest(const LabLayout& lab);

// Runs one pipeline of the set-up manifest; throws with the run's message on failure.
void run_lab_setup(const GlobalOptions& options, const LabLayout& lab, const std::string& pipeline);

}  // namespace drkit::cli
