// skype-cs.cmdlet: any Get- cmdlet, optionally comparing one property of what it returns.
#include <optional>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "cs_queries.h"
#include "drkit/component.hpp"
#include "drkit/errors.hpp"
#include "ps_quote.h"
#include "ps_script.h"
#include "shell.h"
#include "skype_cs_components.h"

namespace drkit::skype_cs {

namespace {

class CmdletProbe final : public Probe {
 public:
  CmdletProbe(ShellConfig shell, std::string cmdlet, boost::json::object args, std::optional<std::string> property,
              std::optional<std::string> equals)
      : shell_(std::move(shell)), cmdlet_(std::move(cmdlet)), args_(std::move(args)),
        property_(std::move(property)), equals_(std::move(equals)) {}

  ProbeResult check(Context& ctx) override {
    std::string statement = cmdlet_ + ps_arguments("parameters", args_);
    // [string] turns enums into their names (5.1's ConvertTo-Json writes numbers).
    if (property_) statement += fmt::format(" | ForEach-Object {{ [string]$_.{} }}", *property_);
    statement += std::string(kToJson);
    auto out = run_shell_script(ctx, shell_, wrap_script(shell_.module_import, {statement}), cmdlet_);
    if (!property_) {
      bool found = !out.is_null() && !(out.is_array() && out.get_array().empty());
      return {found, out, fmt::format("{} returned {}", cmdlet_, found ? "objects" : "nothing")};
    }
    std::vector<std::string> values;
    if (out.is_string()) values.emplace_back(out.get_string());
    if (out.is_array())
      for (const auto& v : out.get_array())
        if (v.is_string()) values.emplace_back(v.get_string());
    boost::json::value value;
    if (values.size() == 1) {
      value = values.front();
    } else {
      boost::json::array a;
      for (const auto& v : values) a.emplace_back(v);
      value = std::move(a);
    }
    bool ok = !values.empty();
    if (equals_)
      for (const auto& v : values) ok = ok && iequals(v, *equals_);
    std::string shown;
    for (const auto& v : values) shown += (shown.empty() ? "" : ", ") + v;
    return {ok, value,
            fmt::format("{}: {} = {}{}", cmdlet_, *property_, values.empty() ? "(no objects)" : shown,
                        equals_ && !ok ? fmt::format(" (expected {})", *equals_) : "")};
  }

 private:
  ShellConfig shell_;
  std::string cmdlet_;
  boost::json::object args_;
  std::optional<std::string> property_;
  std::optional<std::string> equals_;
};

}  // namespace

void register_cmdlet_probe(Registry& r) {
  r.add_probe(
      {.name = "cmdlet",
       .summary = "Run a Get- cmdlet and compare one property of its output",
       .effect = Effect::read_only,
       .params = {shell_param_spec(),
                  {.name = "cmdlet", .required = true, .description = "a Get- cmdlet, e.g. Get-CsPool"},
                  {.name = "parameters", .type = ParamType::object, .default_value = boost::json::object{},
                   .description = "parameter name -> value, as for skype-cs.invoke"},
                  {.name = "property", .description = "the property to read ([string] of it)"},
                  {.name = "equals",
                   .description = "holds when every returned object's `property` equals this "
                                  "(case-insensitive); without it: when the cmdlet returns something"}},
       .description = "Value: the property's text (a list when several objects came back), or the "
                      "raw JSON output without `property`."},
      [](const Params& p) -> std::unique_ptr<Probe> {
        ShellConfig shell = ShellConfig::from_params(p);
        std::string cmdlet = p.string("cmdlet");
        validate_cmdlet_name("cmdlet", cmdlet);
        if (!iequals(cmdlet.substr(0, 4), "Get-"))
          throw ConfigError(fmt::format("cmdlet: '{}' is not a Get- cmdlet: a probe never changes the estate "
                                        "(use skype-cs.invoke for other cmdlets)",
                                        cmdlet));
        boost::json::object args = p.has("parameters") ? p.object("parameters") : boost::json::object{};
        ps_arguments("parameters", args);
        std::optional<std::string> property, equals;
        if (p.has("property")) {
          property = p.string("property");
          validate_name("property", *property);
        }
        if (p.has("equals")) equals = p.string("equals");
        if (equals && !property) throw ConfigError("cmdlet: `equals` needs `property`");
        return std::make_unique<CmdletProbe>(std::move(shell), std::move(cmdlet), std::move(args), property, equals);
      });
}

}  // namespace drkit::skype_cs
