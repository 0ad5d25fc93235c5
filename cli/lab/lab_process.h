// Starting, stopping and talking to the lab's simulator processes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

#include "lab_layout.h"

namespace drkit::cli {

// The folder of the running drkit executable (the simulators are installed beside it).
std::filesystem::path tools_dir();

// Starts mssql-sim for `inst` in the background (its own session, output in
// <data>/../<key>.out) and waits for its readiness line. Throws with the simulator's last
// output lines when it does not come up.
pid_t start_instance(const LabLayout& lab, const LabInstance& inst, bool create_databases);

// The pid recorded for the instance if that process is alive, else 0.
pid_t running_pid(const LabLayout& lab, const LabInstance& inst);

// Ends the instance: SIGTERM (clean shutdown) or SIGKILL (an outage). Waits until it is gone.
void stop_instance(const LabLayout& lab, const LabInstance& inst, bool kill_hard);

// Sends one command to the simulator's control port; returns its output lines.
// Throws when the simulator cannot be reached or answers ERR.
std::string control(const LabInstance& inst, const std::string& command,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

}  // namespace drkit::cli
