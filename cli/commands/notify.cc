#include <fmt/format.h>

#include "command.h"
#include "drkit/errors.hpp"
#include "event_dispatcher.h"
#include "exit_code.h"
#include "invocation_context.h"
#include "run_environment.h"
#include "spellcheck.h"
#include "workspace.h"

namespace drkit::cli {

std::function<int()> setup_notify(CLI::App& app, GlobalOptions& o) {
  auto* test = app.add_subcommand("test", "Send a test message through one notifier of the manifest");
  test->fallthrough();
  auto name = std::make_shared<std::string>();
  test->add_option("NAME", *name, "The notifier's name (its \"name\", or its \"uses\" when unnamed)")->required();
  app.require_subcommand(1);
  return [&o, name]() -> int {
    auto ws = Workspace::with_manifest(o);
    const auto& m = ws->manifest();
    const NotifierDef* def = nullptr;
    std::vector<std::string> names;
    for (const auto& n : m.notifiers) {
      names.push_back(n.name);
      if (n.name == *name) def = &n;
    }
    if (!def) throw ConfigError(fmt::format("no notifier named '{}' in {}{}", *name, m.file.string(), did_you_mean(*name, names)));
    RunScope scope;
    RunEnvironment env(m, ws->registry(), scope, {"(test)", "", m.environment}, false);
    const auto& entry = env.entry(def->uses, ComponentKind::notifier);
    Params params = env.params_for(entry, def->with, def->path);
    Event e;
    e.type = "test";
    e.run_id = "test";
    e.pipeline = "(test)";
    e.environment = m.environment;
    e.status = "test";
    e.message = "drkit test message: if you can read this, this notifier works.";
    CancellationToken token;
    InvocationContext ctx(scope, std::move(params), {"test", "", m.environment, def->name, 1}, token, false);
    try {
      entry.make_notifier(ctx.params())->notify(e, ctx);
    } catch (const std::exception& ex) {
      fmt::print(stderr, "drkit: {} failed: {}\n", def->name, scope.redactor().redact(ex.what()));
      return kRunFailed;
    }
    fmt::print("sent a test message through {} ({})\n", def->name, def->uses);
    return kOk;
  };
}

}  // namespace drkit::cli
