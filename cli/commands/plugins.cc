#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "command.h"
#include "drkit/errors.hpp"
#include "exit_code.h"
#include "spec_json.h"
#include "spellcheck.h"
#include "workspace.h"

namespace drkit::cli {

namespace {

int list(const Workspace& ws, const GlobalOptions& o) {
  const auto& reg = ws.registry();
  if (o.json()) {
    boost::json::array plugins;
    for (const auto& p : ws.loader().plugins()) {
      boost::json::array comps;
      for (const auto& [name, e] : reg.entries())
        if (e.plugin == p.name) comps.push_back({{"name", name}, {"kind", to_string(e.kind)}});
      plugins.push_back({{"name", p.name}, {"version", p.version}, {"abi_version", p.abi_version},
                         {"file", p.file.string()}, {"summary", p.summary}, {"components", comps}});
    }
    fmt::print("{}\n", boost::json::serialize(boost::json::object{{"plugins", plugins}}));
    return kOk;
  }
  for (const auto& p : ws.loader().plugins()) {
    fmt::print("{} {}  {}\n  {}\n", p.name, p.version, p.summary, p.file.string());
    for (const auto& [name, e] : reg.entries()) {
      if (e.plugin != p.name) continue;
      fmt::print("    {:<42} {:<8} {}{}\n", name, to_string(e.kind), e.spec.summary,
                 e.spec.effect == Effect::mutating ? " [mutating]" : "");
    }
  }
  return kOk;
}

void describe_component(const ComponentEntry& e) {
  fmt::print("{} ({}, {})\n  {}\n", e.name, to_string(e.kind), to_string(e.spec.effect), e.spec.summary);
  if (!e.spec.description.empty()) fmt::print("  {}\n", e.spec.description);
  if (e.spec.params.empty()) fmt::print("  no parameters\n");
  for (const auto& p : e.spec.params) {
    std::string type = to_string(p.type);
    if (p.type == ParamType::resource && !p.resource_type.empty()) type += " " + p.resource_type;
    if (p.type == ParamType::list) type += std::string(" of ") + to_string(p.item_type);
    std::string extra;
    if (p.required) extra += " required";
    if (!p.default_value.is_null()) extra += " default " + boost::json::serialize(p.default_value);
    if (p.minimum && p.maximum) extra += fmt::format(" {} to {}", *p.minimum, *p.maximum);
    else if (p.minimum) extra += fmt::format(" >= {}", *p.minimum);
    else if (p.maximum) extra += fmt::format(" <= {}", *p.maximum);
    if (p.secret) extra += " secret";
    if (!p.allowed.empty()) {
      std::string a;
      for (const auto& v : p.allowed) a += (a.empty() ? "" : "|") + boost::json::serialize(v);
      extra += " one of " + a;
    }
    fmt::print("    {:<24} {:<28}{}\n      {}\n", p.name, type, extra, p.description);
  }
}

int describe(const Workspace& ws, const GlobalOptions& o, const std::string& name) {
  const auto& reg = ws.registry();
  if (const auto* e = reg.find_any(name)) {
    // Which file a component comes from matters when two installs are on the plugin path.
    const LoadedPlugin* from = nullptr;
    for (const auto& p : ws.loader().plugins())
      if (p.file == e->plugin_file) from = &p;
    if (o.json()) {
      auto out = spec_to_json(*e);
      out["plugin_version"] = from ? from->version : "";
      out["plugin_file"] = e->plugin_file.string();
      fmt::print("{}\n", boost::json::serialize(out));
      return kOk;
    }
    describe_component(*e);
    fmt::print("  from plugin {} {} ({})\n", e->plugin, from ? from->version : "", e->plugin_file.string());
    return kOk;
  }
  for (const auto& p : ws.loader().plugins()) {
    if (p.name != name) continue;
    if (o.json()) {
      boost::json::array comps;
      for (const auto& [n, e] : reg.entries())
        if (e.plugin == p.name) comps.push_back(spec_to_json(e));
      fmt::print("{}\n", boost::json::serialize(boost::json::object{
                             {"name", p.name}, {"version", p.version}, {"abi_version", p.abi_version},
                             {"toolchain", p.toolchain}, {"file", p.file.string()}, {"summary", p.summary},
                             {"components", comps}}));
      return kOk;
    }
    fmt::print("plugin {} {}\n  {}\n  file: {}\n  ABI version: {} ({})\n\n", p.name, p.version, p.summary,
               p.file.string(), p.abi_version, p.toolchain);
    for (const auto& [n, e] : reg.entries()) {
      if (e.plugin != p.name) continue;
      describe_component(e);
      fmt::print("\n");
    }
    return kOk;
  }
  std::vector<std::string> names = reg.names();
  for (const auto& p : ws.loader().plugins()) names.push_back(p.name);
  throw ConfigError(fmt::format("no plugin or component named '{}'{} (see `drkit plugins list`)", name,
                                did_you_mean(name, names)));
}

}  // namespace

std::function<int()> setup_plugins(CLI::App& app, GlobalOptions& o) {
  auto* ls = app.add_subcommand("list", "List loaded plugins and their components");
  auto* desc = app.add_subcommand("describe", "Show a plugin's version, ABI, file and each component's parameters");
  ls->fallthrough();
  desc->fallthrough();
  auto name = std::make_shared<std::string>();
  desc->add_option("NAME", *name, "plugin name (sqlserver) or component name (sqlserver.recover_database)")->required();
  app.require_subcommand(0, 1);
  return [&o, desc, name]() -> int {
    // With a manifest present, its plugin_path counts too.
    std::unique_ptr<Workspace> ws;
    std::error_code ec;
    ws = Workspace::plugins_only(o);
    if (desc->parsed()) return describe(*ws, o, *name);
    return list(*ws, o);
  };
}

}  // namespace drkit::cli
