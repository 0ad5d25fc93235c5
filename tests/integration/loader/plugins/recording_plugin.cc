// drkit-record.so: components that append each call to a file, so a test can prove which
// methods the framework called. record.mutate is mutating: plan and dry-run must never
// reach its run(). record.observe is read-only and may run in a dry run. With "fail": true,
// run() fails after recording (to drive on_failure and rollback).
#include <fstream>

#include "drkit/sdk.hpp"

namespace {

void append(const std::string& file, const std::string& line) {
  std::ofstream out(file, std::ios::app);
  if (!out) throw drkit::StepError("cannot append to " + file);
  out << line << '\n';
}

class RecordingStep final : public drkit::Step {
 public:
  RecordingStep(const drkit::Params& p, std::string kind)
      : journal_(p.string("journal")), kind_(std::move(kind)), fail_(p.boolean("fail")) {}

  // Planning a real step must have no side effects; this test double records the call
  // anyway, because proving that plan() was reached is the point of the test.
  drkit::Plan plan(drkit::Context& ctx) override {
    append(journal_, kind_ + " plan " + ctx.invocation().step_id);
    return {"would " + kind_ + " (" + ctx.invocation().step_id + ")"};
  }
  boost::json::object run(drkit::Context& ctx) override {
    append(journal_, kind_ + " run " + ctx.invocation().step_id);
    if (fail_) throw drkit::StepError("failing as asked", drkit::Retryable::no, "record.fail");
    return {{"kind", kind_}};
  }

 private:
  std::string journal_;
  std::string kind_;
  bool fail_;
};

drkit::ComponentSpec spec(const char* name, drkit::Effect effect) {
  return {.name = name,
          .summary = "Appends each plan/run call to 'journal'",
          .effect = effect,
          .params = {{.name = "journal", .type = drkit::ParamType::string, .required = true,
                      .description = "file that receives one line per call"},
                     {.name = "fail", .type = drkit::ParamType::boolean, .default_value = false,
                      .description = "run() throws a StepError after recording the call"}}};
}

void register_record(drkit::Registry& r) {
  r.add_step(spec("mutate", drkit::Effect::mutating),
             [](const drkit::Params& p) { return std::make_unique<RecordingStep>(p, "mutate"); });
  r.add_step(spec("observe", drkit::Effect::read_only),
             [](const drkit::Params& p) { return std::make_unique<RecordingStep>(p, "observe"); });
}

}  // namespace

DRKIT_PLUGIN("record", "1.0.0", "Records which component methods were called", register_record)
