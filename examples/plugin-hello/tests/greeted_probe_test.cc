// hello.greeted, loaded from the real drkit-hello.so.
#include <drkit/errors.hpp>
#include <gmock/gmock.h>

#include "hello_fixture.h"

namespace {

using ::testing::HasSubstr;
using GreetedProbe = HelloTest;

TEST_F(GreetedProbe, DoesNotHoldForAMissingFile) {
  auto r = harness_.check("hello.greeted", {{"path", path("g.txt")}, {"name", "Ada"}});
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.value.is_null());
  EXPECT_THAT(r.message, HasSubstr("does not exist"));
}

TEST_F(GreetedProbe, HoldsOnceTheStepWroteTheGreeting) {
  harness_.run("hello.write_greeting", {{"path", path("g.txt")}, {"name", "Ada"}, {"greeting", "Howdy"}});
  auto r = harness_.check("hello.greeted", {{"path", path("g.txt")}, {"name", "Ada"}});
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.value.as_string(), "Howdy, Ada!");
  auto other = harness_.check("hello.greeted", {{"path", path("g.txt")}, {"name", "Bob"}});
  EXPECT_FALSE(other.ok);
  EXPECT_THAT(other.message, HasSubstr("does not greet Bob"));
}

TEST_F(GreetedProbe, IsAllowedInDryRunAndChangesNothing) {
  std::ofstream(path("g.txt")) << "Hi, Ada!\n";
  harness_.set_dry_run(true);
  EXPECT_TRUE(harness_.check("hello.greeted", {{"path", path("g.txt")}, {"name", "Ada"}}).ok);
  EXPECT_EQ(slurp(path("g.txt")), "Hi, Ada!\n");
}

TEST_F(GreetedProbe, AnUnreadableFileMeansCouldNotCheck) {
  // A folder where the file should be: the probe throws instead of answering "no".
  std::filesystem::create_directory(path("g.txt"));
  EXPECT_THROW(harness_.check("hello.greeted", {{"path", path("g.txt")}, {"name", "Ada"}}), drkit::StepError);
}

}  // namespace
