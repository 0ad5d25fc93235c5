// testkit: components that misbehave on purpose, for the engine's tests.
#include <thread>

#include "drkit/sdk.hpp"

namespace {

class FailingNotifier final : public drkit::Notifier {
 public:
  void notify(const drkit::Event&, drkit::Context&) override {
    throw drkit::StepError("testkit.fail: this notifier always fails", drkit::Retryable::yes);
  }
};

// Ignores cancellation on purpose: the engine must not wait for it past its deadline.
class HangingNotifier final : public drkit::Notifier {
 public:
  void notify(const drkit::Event&, drkit::Context&) override { std::this_thread::sleep_for(std::chrono::hours(1)); }
};

// A mutating step that records every run() call, to prove plan/dry-run never call it.
class RecordingStep final : public drkit::Step {
 public:
  explicit RecordingStep(const drkit::Params& p) : file_(p.string("file")) {}
  drkit::Plan plan(drkit::Context&) override { return {"append a line to " + file_}; }
  boost::json::object run(drkit::Context& ctx) override {
    drkit::ProcessRequest r;
    r.argv = {"sh", "-c", "echo run >> \"$F\""};
    r.env = {{"F", file_}};
    drkit::run_process(ctx, r);
    return {{"recorded", true}};
  }

 private:
  std::string file_;
};

void register_testkit(drkit::Registry& r) {
  r.add_notifier({.name = "fail", .summary = "always fails"},
                 [](const drkit::Params&) { return std::make_unique<FailingNotifier>(); });
  r.add_notifier({.name = "hang", .summary = "hangs for an hour, ignoring cancellation"},
                 [](const drkit::Params&) { return std::make_unique<HangingNotifier>(); });
  r.add_step({.name = "record",
              .summary = "append 'run' to a file (mutating)",
              .effect = drkit::Effect::mutating,
              .params = {{.name = "file", .type = drkit::ParamType::string, .required = true}}},
             [](const drkit::Params& p) { return std::make_unique<RecordingStep>(p); });
}

}  // namespace

DRKIT_PLUGIN("testkit", "1.0.0", "Misbehaving components for drkit's own tests", register_testkit)
