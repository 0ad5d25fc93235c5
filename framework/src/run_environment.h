// RunEnvironment: a manifest bound to one run — resolved resources, the shared RunScope,
// and the run-time template lookup (${secret:...}, ${steps...}, ${run...}).
//
// Both the planner and the engine call components through it, so `drkit plan` resolves
// parameters exactly as `drkit run` will (secrets shown as ***, outputs of steps that have
// not run yet as "<outputs of ID.KEY>").
#pragma once

#include <memory>
#include <string>

#include "component_params.h"
#include "component_registry.h"
#include "drkit/component.hpp"
#include "invocation_context.h"
#include "manifest.h"
#include "run_scope.h"

namespace drkit {

struct RunIdentity {
  std::string run_id;
  std::string pipeline;
  std::string environment;
};

class RunEnvironment {
 public:
  // Resolves every resource's parameters (secrets registered with the scope's redactor).
  // `plan_mode`: references to outputs of steps that have not run become placeholders.
  // Throws ConfigError on an unresolvable secret or a resource that fails validation.
  RunEnvironment(const Manifest& manifest, const ComponentRegistry& registry, RunScope& scope,
                 RunIdentity identity, bool plan_mode);

  const ComponentEntry& entry(const std::string& name, ComponentKind kind) const;

  // Resolves templates in `with` and validates it into Params. Throws ConfigError.
  Params params_for(const ComponentEntry& entry, const boost::json::object& with,
                    const std::string& path) const;
  // Resolves templates in any value (for `when` values).
  boost::json::value resolve(const boost::json::value& v, const std::string& path) const;
  // The resolved `with` block, secrets redacted: what plans and reports show.
  boost::json::object shown_params(const ComponentEntry& entry, const boost::json::object& with,
                                   const std::string& path) const;

  RunScope& scope() const { return scope_; }
  const RunIdentity& identity() const { return identity_; }
  const Manifest& manifest() const { return manifest_; }
  const ResourceTable& resources() const { return resources_; }

 private:
  boost::json::value lookup(std::string_view ref) const;

  const Manifest& manifest_;
  const ComponentRegistry& registry_;
  RunScope& scope_;
  RunIdentity identity_;
  bool plan_mode_;
  ResourceTable resources_;
};

}  // namespace drkit
