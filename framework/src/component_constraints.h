// Builds every component a manifest uses, as a run would, before anything runs.
//
// A spec cannot say everything: "give `pool_fqdn` or `identity`", "parallel 1-64", an
// e-mail address that does not parse. Factories say it by throwing ConfigError (see
// drkit/registry.hpp). Calling them here means `drkit validate` and `drkit plan` report
// those mistakes at their place in the manifest, instead of a run failing on them at 3 a.m.
// halfway through a failover.
#pragma once

#include "component_registry.h"
#include "diagnostic.h"
#include "manifest.h"

namespace drkit {

// One diagnostic (JSON path of the component's `with`) per factory that refuses its
// parameters. Components whose parameters read outputs of earlier steps are skipped: those
// values exist only during the run. Expects a manifest that validate_manifest accepted;
// secrets are read (and redacted from the messages) exactly as a run reads them.
Diagnostics check_component_constraints(const Manifest& manifest, const ComponentRegistry& registry);

}  // namespace drkit
