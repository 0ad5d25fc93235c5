#include <fmt/format.h>

#include "core_components.h"
#include "drkit/sdk.hpp"

namespace drkit::core {

namespace {
class SleepStep final : public Step {
 public:
  explicit SleepStep(const Params& p) : duration_(p.duration("duration")) {}
  Plan plan(Context&) override { return {fmt::format("wait {}", format_duration(duration_))}; }
  boost::json::object run(Context& ctx) override {
    if (!ctx.cancellation().wait_for(duration_)) throw Cancelled();
    return {{"slept_ms", duration_.count()}};
  }

 private:
  Duration duration_;
};
}  // namespace

void register_sleep(Registry& r) {
  r.add_step({.name = "sleep",
              .summary = "Wait for a while (interruptible)",
              .effect = Effect::read_only,
              .params = {{.name = "duration", .type = ParamType::duration, .required = true,
                          .description = "how long to wait"}}},
             [](const Params& p) { return std::make_unique<SleepStep>(p); });
}

}  // namespace drkit::core
