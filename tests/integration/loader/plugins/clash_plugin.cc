// Built twice, as drkit-clash-a.so and drkit-clash-b.so: two files that both call
// themselves "clash", so their components would share qualified names.
#include "drkit/sdk.hpp"

namespace {

class NoopStep final : public drkit::Step {
 public:
  drkit::Plan plan(drkit::Context&) override { return {"nothing"}; }
  boost::json::object run(drkit::Context&) override { return {}; }
};

void register_clash(drkit::Registry& r) {
  r.add_step({.name = "noop", .summary = "Does nothing"},
             [](const drkit::Params&) { return std::make_unique<NoopStep>(); });
}

}  // namespace

DRKIT_PLUGIN("clash", "1.0.0", CLASH_SUMMARY, register_clash)
