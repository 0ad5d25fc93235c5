// Support for the cs-shell-sim tests: run a script in process against a topology, or the
// real executable against a state file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "topology.hpp"
#include "temp_dir.h"

namespace cssim_test {

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `script` in process against `topology` (changed in place).
Result run_in_process(cssim::Topology& topology, const std::string& script);

// The test topology: pool pchat.contoso.com, pc1/pc2 (Primary, active), pc3 (Backup), stores
// sql1 (mirror sql1m) and sql2 (mirror sql2m).
cssim::Topology test_topology();

// Runs the executable with `args` and `input` on stdin.
Result run_executable(const std::vector<std::string>& args, const std::string& input = {});

using drkit::test_support::TempDir;

}  // namespace cssim_test
