// Plan and dry-run never call run() of a mutating component: the recording plugin writes
// one line per call it receives, and the journal file shows what the framework called.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drkit/errors.hpp"
#include "drkit/testing.hpp"
#include "plugin_sandbox.h"

namespace drkit {
namespace {

using loader_test::PluginSandbox;
using loader_test::read_text;

class DryRun : public ::testing::Test {
 protected:
  DryRun() {
    box_.add("record", "drkit-record.so");
    journal_ = (box_.dir() / "calls.log").string();
  }
  boost::json::object with() const { return {{"journal", journal_}}; }

  PluginSandbox box_;
  std::string journal_;
};

TEST_F(DryRun, PlanCallsOnlyPlanOfAMutatingStep) {
  testing::Harness h({box_.dir()}, false);
  auto plan = h.plan("record.mutate", with());
  EXPECT_EQ(plan.summary, "would mutate (step)");
  EXPECT_EQ(read_text(journal_), "mutate plan step\n");
}

TEST_F(DryRun, DryRunRefusesToRunAMutatingStepAndRunsReadOnlyOnes) {
  testing::Harness h({box_.dir()}, false);
  h.set_dry_run(true);
  try {
    h.run("record.mutate", with(), "switch");
    FAIL() << "a mutating step ran in a dry run";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "dry run: record.mutate is mutating and was not run");
  }
  EXPECT_EQ(h.run("record.observe", with(), "look"), (boost::json::object{{"kind", "observe"}}));
  h.plan("record.mutate", with());
  EXPECT_EQ(read_text(journal_), "observe run look\nmutate plan step\n");
}

TEST_F(DryRun, LeavingDryRunRunsTheMutatingStep) {
  // The control: the same call without dry-run does reach run(), so the tests above
  // would notice if the recording plugin failed to record.
  testing::Harness h({box_.dir()}, false);
  h.set_dry_run(true);
  EXPECT_THROW(h.run("record.mutate", with(), "switch"), ConfigError);
  h.set_dry_run(false);
  EXPECT_EQ(h.run("record.mutate", with(), "switch"), (boost::json::object{{"kind", "mutate"}}));
  EXPECT_EQ(read_text(journal_), "mutate run switch\n");
}

}  // namespace
}  // namespace drkit
