#include "component_constraints.h"

#include <optional>

#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "run_environment.h"
#include "run_scope.h"
#include "template.h"

namespace drkit {

namespace json = boost::json;

namespace {

bool reads_step_outputs(const json::object& o);

// Whether any string inside `v` references ${steps.ID.outputs.KEY}: those values exist only
// during the run. template_references, not a substring search, so "$${steps." (a literal)
// does not count.
bool reads_step_outputs(const json::value& v) {
  if (const auto* s = v.if_string()) {
    try {
      for (const auto& ref : template_references(*s))
        if (ref.starts_with("steps.")) return true;
    } catch (const ConfigError&) {
      // An unclosed "${" was reported by validate_manifest, which runs first.
    }
    return false;
  }
  if (const auto* o = v.if_object()) return reads_step_outputs(*o);
  if (const auto* a = v.if_array()) {
    for (const auto& item : *a)
      if (reads_step_outputs(item)) return true;
  }
  return false;
}

bool reads_step_outputs(const json::object& o) {
  for (const auto& [k, item] : o)
    if (reads_step_outputs(item)) return true;
  return false;
}

class ConstraintCheck {
 public:
  ConstraintCheck(const Manifest& m, const ComponentRegistry& reg) : m_(m), reg_(reg) {}

  Diagnostics run() {
    try {
      env_.emplace(m_, reg_, scope_, RunIdentity{"(validate)", "", m_.environment}, true);
    } catch (const std::exception& e) {
      out_.push_back({"", 0, 0, "resources", scope_.redactor().redact(e.what())});
      return std::move(out_);
    }
    for (const auto& n : m_.notifiers) build(n.uses, ComponentKind::notifier, n.with, n.path);
    for (const auto& [name, p] : m_.pipelines) {
      for (const auto& g : p.guards) probe(g);
      for (const auto& stage : p.stages)
        for (const auto& s : stage.steps) step(s);
    }
    return std::move(out_);
  }

 private:
  void step(const StepDef& s) {
    build(s.uses, ComponentKind::step, s.with, s.path);
    if (s.when_probe) probe(*s.when_probe);
    for (const auto& v : s.verify) probe(v);
    if (s.wait_until) probe(s.wait_until->probe);
    for (const auto& c : s.compensate) step(c);
  }
  void probe(const ProbeUse& p) { build(p.probe, ComponentKind::probe, p.with, p.path); }

  void build(const std::string& name, ComponentKind kind, const json::object& with, const std::string& path) {
    const auto* entry = reg_.find(name, kind);
    if (!entry || reads_step_outputs(with)) return;
    try {
      Params params = env_->params_for(*entry, with, path);
      switch (kind) {
        case ComponentKind::step: entry->make_step(params); break;
        case ComponentKind::probe: entry->make_probe(params); break;
        case ComponentKind::notifier: entry->make_notifier(params); break;
        case ComponentKind::resource: break;
      }
    } catch (const std::exception& e) {
      out_.push_back({"", 0, 0, path + ".with", message(*entry, e.what())});
    }
  }

  // Factories often start with the component's name ("set_active_servers: give ...",
  // "core.exec: ..."); the diagnostic names it once, qualified.
  std::string message(const ComponentEntry& entry, std::string what) {
    for (std::string prefix : {entry.name + ": ", entry.name.substr(entry.name.find('.') + 1) + ": "})
      if (what.starts_with(prefix)) what.erase(0, prefix.size());
    return fmt::format("{} refuses these parameters: {}", entry.name, scope_.redactor().redact(what));
  }

  const Manifest& m_;
  const ComponentRegistry& reg_;
  RunScope scope_;
  std::optional<RunEnvironment> env_;  // built in run(): resolving resources can fail
  Diagnostics out_;
};

}  // namespace

Diagnostics check_component_constraints(const Manifest& manifest, const ComponentRegistry& registry) {
  auto out = ConstraintCheck(manifest, registry).run();
  manifest.locate(out);
  return out;
}

}  // namespace drkit
