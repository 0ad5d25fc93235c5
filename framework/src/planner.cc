#include "planner.h"

#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "invocation_context.h"
#include "run_environment.h"

namespace drkit {

namespace json = boost::json;

PipelinePlan plan_pipeline(const Manifest& manifest, const ComponentRegistry& registry, const std::string& name) {
  const auto* p = manifest.pipeline(name);
  if (!p) throw ConfigError(manifest.unknown_pipeline_message(name));
  RunScope scope;
  RunEnvironment env(manifest, registry, scope, {"(plan)", name, manifest.environment}, true);
  CancellationToken token;
  PipelinePlan out;
  out.pipeline = name;
  for (const auto& g : p->guards)
    out.guards.push_back(fmt::format("{}: {}{}", g.id, g.probe, g.reason.empty() ? "" : " — " + g.reason));
  int stage_index = 0;
  for (const auto& stage : p->stages) {
    for (const auto& s : stage.steps) {
      PlannedStep ps;
      ps.id = s.id;
      ps.uses = s.uses;
      ps.stage = stage_index;
      ps.parallel = stage.parallel;
      ps.gate = s.confirm;
      const auto& entry = env.entry(s.uses, ComponentKind::step);
      ps.effect = entry.spec.effect;
      ps.params = env.shown_params(entry, s.with, s.path);
      try {
        Params params = env.params_for(entry, s.with, s.path);
        InvocationContext ctx(scope, std::move(params), {"(plan)", name, manifest.environment, s.id, 1}, token, true);
        ps.plan = entry.make_step(ctx.params())->plan(ctx);
        ps.plan.summary = scope.redactor().redact(ps.plan.summary);
        for (auto& a : ps.plan.actions) a = scope.redactor().redact(a);
      } catch (const std::exception& e) {
        ps.error = scope.redactor().redact(e.what());
      }
      out.steps.push_back(std::move(ps));
    }
    ++stage_index;
  }
  return out;
}

json::object plan_to_json(const PipelinePlan& plan) {
  json::array steps;
  for (const auto& s : plan.steps) {
    json::array actions;
    for (const auto& a : s.plan.actions) actions.push_back(json::value(a));
    json::object o{{"id", s.id}, {"uses", s.uses}, {"effect", to_string(s.effect)}, {"stage", s.stage},
                   {"parallel", s.parallel}, {"params", s.params}, {"summary", s.plan.summary},
                   {"actions", actions}, {"no_op", s.plan.no_op}};
    if (!s.gate.empty()) o["gate"] = s.gate;
    if (!s.error.empty()) o["error"] = s.error;
    steps.push_back(std::move(o));
  }
  json::array guards;
  for (const auto& g : plan.guards) guards.push_back(json::value(g));
  return {{"pipeline", plan.pipeline}, {"guards", guards}, {"steps", steps}};
}

}  // namespace drkit
