// drkit-good.so: a well-formed plugin with one component of each kind.
#include "drkit/sdk.hpp"

namespace {

class EchoStep final : public drkit::Step {
 public:
  explicit EchoStep(const drkit::Params& p) : text_(p.string("text")) {}
  drkit::Plan plan(drkit::Context&) override { return {"echo " + text_}; }
  boost::json::object run(drkit::Context&) override { return {{"echoed", text_}}; }

 private:
  std::string text_;
};

class ConstantProbe final : public drkit::Probe {
 public:
  explicit ConstantProbe(const drkit::Params& p) : holds_(p.boolean("holds")) {}
  drkit::ProbeResult check(drkit::Context&) override {
    return {holds_, holds_, holds_ ? "holds" : "does not hold"};
  }

 private:
  bool holds_;
};

void register_good(drkit::Registry& r) {
  r.add_step({.name = "echo",
              .summary = "Returns its text as the output 'echoed'",
              .params = {{.name = "text", .type = drkit::ParamType::string, .required = true,
                          .description = "what to echo"}}},
             [](const drkit::Params& p) { return std::make_unique<EchoStep>(p); });
  r.add_probe({.name = "constant",
               .summary = "Holds when 'holds' is true",
               .params = {{.name = "holds", .type = drkit::ParamType::boolean,
                           .default_value = true, .description = "the answer"}}},
              [](const drkit::Params& p) { return std::make_unique<ConstantProbe>(p); });
  r.add_resource_type({.name = "thing",
                       .summary = "A named thing",
                       .params = {{.name = "label", .type = drkit::ParamType::string,
                                   .required = true, .description = "its label"}}});
}

}  // namespace

DRKIT_PLUGIN("good", "1.2.3", "A well-formed test plugin", register_good)
