// hello.write_greeting, loaded from the real drkit-hello.so and run through the harness.
#include <filesystem>

#include <drkit/errors.hpp>
#include <gmock/gmock.h>

#include "hello_fixture.h"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using WriteGreeting = HelloTest;

// Runs the step and returns the StepError it must throw.
drkit::StepError run_failing(drkit::testing::Harness& h, boost::json::object with) {
  try {
    h.run("hello.write_greeting", std::move(with));
  } catch (const drkit::StepError& e) {
    return e;
  }
  ADD_FAILURE() << "hello.write_greeting should have thrown drkit::StepError";
  return drkit::StepError("no error");
}

TEST_F(WriteGreeting, WritesTheLinesAndReportsProgress) {
  auto out = harness_.run("hello.write_greeting", {{"path", path("g.txt")}, {"name", "Ada"}, {"repeat", 3}});
  EXPECT_EQ(slurp(path("g.txt")), "Hello, Ada!\nHello, Ada!\nHello, Ada!\n");
  EXPECT_TRUE(out.at("changed").as_bool());
  EXPECT_EQ(out.at("lines").as_int64(), 3);
  EXPECT_EQ(out.at("path").as_string(), path("g.txt"));
  ASSERT_EQ(harness_.progress().size(), 3u);
  EXPECT_EQ(harness_.progress().back().done, 3u);
  EXPECT_EQ(harness_.progress().back().total, 3u);
  EXPECT_EQ(harness_.progress().back().unit, "lines");
  // Nothing is left beside the file (the temporary was renamed into place).
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);
}

TEST_F(WriteGreeting, RunningAgainChangesNothing) {
  boost::json::object with{{"path", path("sub/g.txt")}, {"name", "Ada"}, {"greeting", "Hi"}};
  harness_.run("hello.write_greeting", with);
  auto before = std::filesystem::last_write_time(path("sub/g.txt"));
  EXPECT_TRUE(harness_.plan("hello.write_greeting", with).no_op);
  auto out = harness_.run("hello.write_greeting", with);
  EXPECT_FALSE(out.at("changed").as_bool());
  EXPECT_EQ(std::filesystem::last_write_time(path("sub/g.txt")), before);
  EXPECT_THAT(harness_.log_text(), HasSubstr("already greets Ada"));
}

TEST_F(WriteGreeting, PlanDescribesWithoutWriting) {
  auto plan = harness_.plan("hello.write_greeting", {{"path", path("g.txt")}, {"name", "Ada"}, {"repeat", 2}});
  EXPECT_THAT(plan.summary, HasSubstr("write 2 line(s) \"Hello, Ada!\" to " + path("g.txt")));
  EXPECT_FALSE(plan.no_op);
  EXPECT_FALSE(std::filesystem::exists(path("g.txt")));
}

TEST_F(WriteGreeting, DryRunNeverRunsIt) {
  harness_.set_dry_run(true);
  EXPECT_THROW(harness_.run("hello.write_greeting", {{"path", path("g.txt")}, {"name", "Ada"}}), drkit::ConfigError);
  EXPECT_FALSE(std::filesystem::exists(path("g.txt")));
}

TEST_F(WriteGreeting, RejectsInvalidParametersWithTheirName) {
  try {
    harness_.run("hello.write_greeting", {{"path", path("g.txt")}});
    FAIL() << "a missing required parameter should be refused";
  } catch (const drkit::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("name"));
  }
  try {
    harness_.run("hello.write_greeting", {{"path", path("g.txt")}, {"name", "Ada"}, {"repeat", 0}});
    FAIL() << "repeat 0 should be refused";
  } catch (const drkit::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'repeat' is 0: give 1 to 1000000"));
  }
  EXPECT_FALSE(std::filesystem::exists(path("g.txt")));
}

TEST_F(WriteGreeting, AFileInTheWayOfTheFolderIsAPermanentError) {
  std::ofstream(path("blocker")) << "x";
  auto e = run_failing(harness_, {{"path", path("blocker/sub/g.txt")}, {"name", "Ada"}});
  EXPECT_FALSE(e.retryable());
  EXPECT_EQ(e.code(), "hello.folder");
  EXPECT_THAT(e.what(), HasSubstr(path("blocker/sub")));
}

TEST_F(WriteGreeting, TheHookGetsTheTokenThroughItsEnvironmentOnly) {
  const std::string token = "s3cret-7f3a9";
  boost::json::object with{
      {"path", path("g.txt")}, {"name", "Ada"}, {"hook_token", token},
      {"hook", boost::json::array{"sh", "-c", "printf %s \"$HELLO_TOKEN\" > \"$HELLO_FILE.token\"; echo \"hooked $HELLO_TOKEN\""}}};
  auto plan = harness_.plan("hello.write_greeting", with);
  ASSERT_EQ(plan.actions.size(), 2u);
  EXPECT_THAT(plan.actions[1], HasSubstr("HELLO_TOKEN=***"));
  EXPECT_THAT(plan.actions[1], Not(HasSubstr(token)));

  harness_.run("hello.write_greeting", with);
  EXPECT_EQ(slurp(path("g.txt.token")), token);
  // The hook echoed the token: the log shows it redacted.
  EXPECT_THAT(harness_.log_text(), HasSubstr("hooked ***"));
  EXPECT_THAT(harness_.log_text(), Not(HasSubstr(token)));
  EXPECT_TRUE(harness_.live_children().empty());
}

TEST_F(WriteGreeting, HookExit75IsRetryable) {
  auto e = run_failing(harness_, {{"path", path("g.txt")}, {"name", "Ada"},
                                  {"hook", boost::json::array{"sh", "-c", "echo service busy >&2; exit 75"}}});
  EXPECT_TRUE(e.retryable());
  EXPECT_EQ(e.code(), "hello.hook_tempfail");
  EXPECT_THAT(e.what(), HasSubstr("service busy"));
}

TEST_F(WriteGreeting, OtherHookFailuresAreNot) {
  auto e = run_failing(harness_, {{"path", path("g.txt")}, {"name", "Ada"},
                                  {"hook", boost::json::array{"sh", "-c", "exit 3"}}});
  EXPECT_FALSE(e.retryable());
  EXPECT_EQ(e.code(), "hello.hook_failed");
  EXPECT_THAT(e.what(), HasSubstr("exited with code 3"));
}

TEST_F(WriteGreeting, AHookThatHangsIsKilledAtItsTimeout) {
  auto e = run_failing(harness_, {{"path", path("g.txt")}, {"name", "Ada"}, {"hook_timeout", "300ms"},
                                  {"hook", boost::json::array{"sleep", "120"}}});
  EXPECT_TRUE(e.retryable());
  EXPECT_EQ(e.code(), "hello.hook_timeout");
  EXPECT_TRUE(harness_.live_children().empty());
}

TEST_F(WriteGreeting, CancellationStopsTheHook) {
  harness_.cancel_after(std::chrono::milliseconds(300));
  EXPECT_THROW(harness_.run("hello.write_greeting", {{"path", path("g.txt")}, {"name", "Ada"},
                                                     {"hook", boost::json::array{"sleep", "120"}}}),
               drkit::Cancelled);
  EXPECT_TRUE(harness_.live_children().empty());
}

}  // namespace
