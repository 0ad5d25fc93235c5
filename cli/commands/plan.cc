#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "command.h"
#include "exit_code.h"
#include "planner.h"
#include "workspace.h"

namespace drkit::cli {

std::function<int()> setup_plan(CLI::App& app, GlobalOptions& o) {
  auto pipeline = std::make_shared<std::string>();
  app.add_option("PIPELINE", *pipeline, "Pipeline to plan")->required();
  return [&o, pipeline]() -> int {
    auto ws = Workspace::with_manifest(o);
    ws->pipeline(*pipeline);
    auto plan = plan_pipeline(ws->manifest(), ws->registry(), *pipeline);
    if (o.json()) {
      fmt::print("{}\n", boost::json::serialize(plan_to_json(plan)));
      return kOk;
    }
    fmt::print("Plan for pipeline '{}'{}: nothing below has been done.\n", *pipeline,
               ws->manifest().environment.empty() ? "" : " (env " + ws->manifest().environment + ")");
    if (!plan.guards.empty()) {
      fmt::print("\nGuards (checked before the first step):\n");
      for (const auto& g : plan.guards) fmt::print("  - {}\n", g);
    }
    fmt::print("\n");
    int n = 0;
    int last_stage = -1;
    for (const auto& s : plan.steps) {
      if (s.parallel && s.stage != last_stage) fmt::print("  in parallel:\n");
      last_stage = s.stage;
      std::string indent = s.parallel ? "    " : "  ";
      fmt::print("{}{}. {} ({}, {}){}\n", indent, ++n, s.id, s.uses, to_string(s.effect),
                 s.plan.no_op ? " — nothing to do" : "");
      if (!s.gate.empty()) fmt::print("{}   gate: {}\n", indent, s.gate);
      if (!s.error.empty()) {
        fmt::print("{}   cannot plan: {}\n", indent, s.error);
        continue;
      }
      if (!s.plan.summary.empty()) fmt::print("{}   {}\n", indent, s.plan.summary);
      for (const auto& a : s.plan.actions) {
        std::string_view rest = a;
        bool first = true;
        while (!rest.empty()) {
          auto nl = rest.find('\n');
          fmt::print("{}     {} {}\n", indent, first ? ">" : " ", rest.substr(0, nl));
          first = false;
          if (nl == std::string_view::npos) break;
          rest.remove_prefix(nl + 1);
        }
      }
    }
    return kOk;
  };
}

}  // namespace drkit::cli
