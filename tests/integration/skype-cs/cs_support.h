// Support for the skype-cs tests: a temp dir, a seeded cs-shell-sim state file, running a
// process with stdin, and the fixture that loads the real plugin.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "drkit/errors.hpp"
#include "drkit/testing.hpp"
#include "temp_dir.h"

namespace skype_cs_test {

namespace fs = std::filesystem;

using drkit::test_support::TempDir;

struct Output {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv (no shell) with `input` on stdin and waits. Throws std::runtime_error if it
// cannot start.
Output run(const std::vector<std::string>& argv, const std::string& input = {});

// Runs `script` through cs-shell-sim against `state`.
Output sim(const std::string& state, const std::string& script);

std::string read_text(const fs::path& p);

// The lab's topology: pool pchat.contoso.com, pc1/pc2 in Primary (active), pc3/pc4 in
// Backup, stores sql1 (mirror sql1m) and sql2 (mirror sql2m). `extra` is appended to the
// --init-state arguments.
void seed_state(const std::string& state, const std::vector<std::string>& extra = {});

class CsFixture : public ::testing::Test {
 protected:
  void SetUp() override;

  // Reseeds the state file (e.g. with --state-identity).
  void reseed(const std::vector<std::string>& extra) { seed_state(state_, extra); }

  boost::json::object state() const;       // the state file, parsed
  const boost::json::object& pool() const;  // pools[0] of the last state() call
  std::vector<std::string> history() const;
  std::string pool_state() const;
  std::vector<std::string> active_servers() const;

  // A shell resource "cs" running the simulator locally.
  boost::json::object local_shell() const;

  TempDir dir_;
  std::string state_;
  drkit::testing::Harness h_{{DRKIT_PLUGIN_DIR}};
  mutable boost::json::object last_state_;
};

std::vector<std::string> strings_of(const boost::json::value& v);

// Runs `f`, expects a drkit::StepError and returns it (message and code).
template <class F>
drkit::StepError expect_step_error(F f) {
  try {
    f();
  } catch (const drkit::StepError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a drkit::StepError";
  return drkit::StepError("none");
}

}  // namespace skype_cs_test
