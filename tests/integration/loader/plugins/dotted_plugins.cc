// Two plugins whose qualified component names collide although their plugin names differ:
// plugin "left" registers "right.thing" and plugin "left.right" registers "thing"; both are
// "left.right.thing". Built twice with DOTTED_VARIANT 1 and 2.
#include "drkit/sdk.hpp"

namespace {

class NoopStep final : public drkit::Step {
 public:
  drkit::Plan plan(drkit::Context&) override { return {"nothing"}; }
  boost::json::object run(drkit::Context&) override { return {}; }
};

drkit::StepFactory noop() {
  return [](const drkit::Params&) { return std::make_unique<NoopStep>(); };
}

void register_dotted(drkit::Registry& r) {
#if DOTTED_VARIANT == 1
  r.add_step({.name = "right.thing", .summary = "Collides with left.right's thing"}, noop());
#else
  // Registered before the clash: must not stay behind when the plugin is refused.
  r.add_step({.name = "before", .summary = "Registered before the clash"}, noop());
  r.add_step({.name = "thing", .summary = "Collides with left's right.thing"}, noop());
#endif
}

}  // namespace

#if DOTTED_VARIANT == 1
DRKIT_PLUGIN("left", "1.0.0", "Registers right.thing", register_dotted)
#else
DRKIT_PLUGIN("left.right", "1.0.0", "Registers thing", register_dotted)
#endif
