// skype-cs.invoke: the escape hatch. Runs one cmdlet with typed parameters and returns its
// output as JSON. Mutating: the engine never calls it in plan or dry-run mode.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "drkit/component.hpp"
#include "drkit/errors.hpp"
#include "ps_quote.h"
#include "ps_script.h"
#include "shell.h"
#include "skype_cs_components.h"

namespace drkit::skype_cs {

namespace {

class InvokeStep final : public Step {
 public:
  InvokeStep(ShellConfig shell, std::string cmdlet, boost::json::object args, std::int64_t depth)
      : shell_(std::move(shell)), cmdlet_(std::move(cmdlet)), args_(std::move(args)), depth_(depth) {}

  Plan plan(Context&) override { return {fmt::format("run {} on shell '{}'", cmdlet_, shell_.name), {script()}}; }

  boost::json::object run(Context& ctx) override {
    return {{"result", run_shell_script(ctx, shell_, script(), cmdlet_)}};
  }

 private:
  std::string script() const {
    return wrap_script(shell_.module_import,
                       {fmt::format("{}{} | ConvertTo-Json -Depth {} -Compress", cmdlet_,
                                    ps_arguments("parameters", args_), depth_)});
  }

  ShellConfig shell_;
  std::string cmdlet_;
  boost::json::object args_;
  std::int64_t depth_;
};

}  // namespace

void register_invoke(Registry& r) {
  r.add_step(
      {.name = "invoke",
       .summary = "Run one Management Shell cmdlet with typed parameters (escape hatch)",
       .effect = Effect::mutating,
       .params = {shell_param_spec(),
                  {.name = "cmdlet", .required = true, .description = "Verb-Noun, e.g. Set-CsPersistentChatState"},
                  {.name = "parameters", .type = ParamType::object, .default_value = boost::json::object{},
                   .description = "parameter name -> value: strings are quoted ('' doubling), "
                                  "true is a switch, false is -Name:$false, null is $null, lists "
                                  "are @(...), objects are @{...} (list modifiers)"},
                  {.name = "depth", .type = ParamType::integer, .default_value = 4,
                   .description = "ConvertTo-Json -Depth for the output", .minimum = 1, .maximum = 100}},
       .description =
           "Runs `cmdlet` with `parameters` and outputs {result: <its output as JSON>}. Not "
           "idempotent by itself: prefer the dedicated steps. Note that Windows PowerShell 5.1 "
           "writes enums as numbers in JSON."},
      [](const Params& p) -> std::unique_ptr<Step> {
        ShellConfig shell = ShellConfig::from_params(p);
        std::string cmdlet = p.string("cmdlet");
        validate_cmdlet_name("cmdlet", cmdlet);
        boost::json::object args = p.has("parameters") ? p.object("parameters") : boost::json::object{};
        ps_arguments("parameters", args);  // validates names and values now, not at run time
        std::int64_t depth = p.integer_or("depth", 4);  // 1..100 (the spec)
        return std::make_unique<InvokeStep>(std::move(shell), std::move(cmdlet), std::move(args), depth);
      });
}

}  // namespace drkit::skype_cs
