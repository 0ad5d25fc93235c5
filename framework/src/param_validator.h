// Checks a component's `with:` block against its spec.
//
// Used twice: when the manifest is validated (templates still unresolved: a value that is
// one `${...}` template is accepted for any type) and just before a component runs (every
// template resolved: types checked strictly). Both report through Diagnostics with JSON
// paths, so the manifest layer can add file:line:column.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "diagnostic.h"
#include "drkit/params.hpp"
#include "drkit/spec.hpp"

namespace drkit {

// Looks up a declared resource by name: its type, or nullopt when undeclared.
using ResourceTypeLookup = std::function<std::optional<std::string>(const std::string& name)>;

struct ParamCheck {
  bool templates_resolved = false;  // false at manifest validation time
  // The declared resources' names, for "did you mean" on an unknown one.
  std::vector<std::string> resource_names = {};
};

// Returns `with` with defaults applied. Appends one Diagnostic per problem, with paths
// under `path` (e.g. "pipelines.failover.steps[2].with").
boost::json::object validate_params(const ComponentSpec& spec, const boost::json::object& with,
                                    const std::string& path, const ResourceTypeLookup& resources,
                                    const ParamCheck& check, Diagnostics& out);

// True if `text` contains a ${...} template.
bool has_template(std::string_view text);

}  // namespace drkit
