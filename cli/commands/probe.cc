#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "command.h"
#include "drkit/errors.hpp"
#include "exit_code.h"
#include "manifest.h"
#include "probe_check.h"
#include "run_environment.h"
#include "workspace.h"

namespace drkit::cli {

std::function<int()> setup_probe(CLI::App& app, GlobalOptions& o) {
  auto name = std::make_shared<std::string>();
  auto with = std::make_shared<std::vector<std::string>>();
  auto expect = std::make_shared<std::string>();
  app.add_option("PROBE", *name, "Qualified probe name, e.g. core.tcp")->required();
  app.add_option("--with", *with, "Parameter KEY=VALUE (VALUE parsed as JSON when it is JSON; repeatable)");
  app.add_option("--expect", *expect, "Compare the probe's value to this (JSON or text)");
  return [&o, name, with, expect]() -> int {
    // Resources come from the manifest when there is one.
    std::unique_ptr<Workspace> ws;
    bool have_manifest = std::filesystem::exists(o.manifest);
    ws = have_manifest ? Workspace::with_manifest(o, {*name}) : Workspace::plugins_only(o);
    auto parse_value = [](const std::string& text) -> boost::json::value {
      boost::json::error_code ec;
      auto v = boost::json::parse(text, ec);
      return ec ? boost::json::value(text) : v;
    };
    ProbeUse use;
    use.probe = *name;
    use.id = *name;
    use.path = "--with";
    for (const auto& kv : *with) {
      auto eq = kv.find('=');
      if (eq == std::string::npos) throw ConfigError(fmt::format("--with {}: write KEY=VALUE", kv));
      use.with[kv.substr(0, eq)] = parse_value(kv.substr(eq + 1));
    }
    if (!expect->empty()) use.expect = parse_value(*expect);
    Manifest empty;
    const Manifest& m = have_manifest ? ws->manifest() : empty;
    RunScope scope;
    RunEnvironment env(m, ws->registry(), scope, {"(probe)", "", m.environment}, true);
    env.entry(*name, ComponentKind::probe);
    CancellationToken token;
    auto r = check_probe(env, use, *name, token, false);
    if (o.json()) {
      fmt::print("{}\n", boost::json::serialize(boost::json::object{{"holds", r.holds}, {"value", r.value}, {"message", r.message}}));
    } else {
      fmt::print("{} {}: {}\n", r.holds ? "holds" : "does not hold", *name, r.message);
    }
    return r.holds ? kOk : kRunFailed;
  };
}

}  // namespace drkit::cli
