// hello.event_log, loaded from the real drkit-hello.so.
#include <drkit/errors.hpp>
#include <gmock/gmock.h>

#include "hello_fixture.h"

namespace {

using ::testing::HasSubstr;
using EventLog = HelloTest;

drkit::Event event(std::string type, std::string step_id, std::string status, std::string message) {
  drkit::Event e{.type = std::move(type), .run_id = "run-1", .pipeline = "greet", .environment = ""};
  e.step_id = std::move(step_id);
  e.status = std::move(status);
  e.message = std::move(message);
  return e;
}

TEST_F(EventLog, AppendsOneLinePerEvent) {
  boost::json::object with{{"path", path("logs/events.log")}};
  harness_.notify("hello.event_log", with, event("run.started", "", "running", ""));
  harness_.notify("hello.event_log", with, event("step.succeeded", "greet", "succeeded", "wrote 3 line(s)"));
  auto text = slurp(path("logs/events.log"));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  EXPECT_THAT(text, HasSubstr(" run.started run=run-1 status=running\n"));
  EXPECT_THAT(text, HasSubstr(" step.succeeded run=run-1 step=greet status=succeeded: wrote 3 line(s)\n"));
}

TEST_F(EventLog, AFailureIsRetryable) {
  std::filesystem::create_directory(path("events.log"));  // a folder: cannot be opened for append
  try {
    harness_.notify("hello.event_log", {{"path", path("events.log")}}, event("run.started", "", "", ""));
    FAIL() << "appending to a folder should fail";
  } catch (const drkit::StepError& e) {
    EXPECT_TRUE(e.retryable());
    EXPECT_THAT(e.what(), HasSubstr(path("events.log")));
  }
}

}  // namespace
