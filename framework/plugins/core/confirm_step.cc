// core.confirm: a manual gate as a step of its own. The engine asks for approval before
// running any step with a `confirm` text, and treats core.confirm's `message` as that text,
// so by the time run() is called the gate has been approved.
#include "core_components.h"
#include "drkit/sdk.hpp"

namespace drkit::core {

namespace {
class ConfirmStep final : public Step {
 public:
  explicit ConfirmStep(const Params& p) : message_(p.string("message")) {}
  Plan plan(Context&) override { return {"ask for approval: " + message_}; }
  boost::json::object run(Context&) override { return {{"approved", true}}; }

 private:
  std::string message_;
};
}  // namespace

void register_confirm(Registry& r) {
  r.add_step({.name = "confirm",
              .summary = "Stop until a person approves (type the step id, --approve ID or --yes)",
              .effect = Effect::read_only,
              .params = {{.name = "message", .type = ParamType::string, .required = true,
                          .description = "the question shown to the operator"}}},
             [](const Params& p) { return std::make_unique<ConfirmStep>(p); });
}

}  // namespace drkit::core
