// Component specs: what a step, probe, notifier or resource type accepts.
//
// Every component declares its parameters. The framework validates each `with:` block of
// a manifest against the spec before anything runs (unknown keys, missing required values,
// wrong types, values not in `allowed`, integers outside `minimum`..`maximum`), applies
// defaults, and refuses to call run() of a Mutating component in plan or dry-run mode. A
// plugin therefore never sees a parameter that its spec did not declare.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "drkit/export.hpp"

namespace drkit {

enum class ParamType {
  string,    // JSON string
  integer,   // JSON integer
  boolean,   // JSON true/false
  duration,  // "250ms", "5s", "2m", "1h30m", or an integer number of seconds
  list,      // JSON array (see `item_type`)
  object,    // JSON object, free-form
  resource,  // the name of a resource declared in the manifest, of type `resource_type`
};

// Whether a component changes the estate. Plan and dry-run never call a mutating run().
enum class Effect { read_only, mutating };

enum class ComponentKind { step, probe, notifier, resource };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::string;
  bool required = false;
  // Used when the manifest omits the parameter; null means "absent" (Params::has is false).
  boost::json::value default_value = nullptr;
  // If non-empty, the value must equal one of these.
  std::vector<boost::json::value> allowed = {};
  std::string description = {};
  // A secret is registered with the redactor and shown as *** in plans, logs and reports.
  bool secret = false;
  // For ParamType::resource: the qualified resource type, e.g. "sqlserver.instance".
  std::string resource_type = {};
  // For ParamType::list: the type of each item (string by default).
  ParamType item_type = ParamType::string;
  // For ParamType::integer: the smallest and largest value accepted, when set. Reported at
  // the manifest's line like any other parameter error, and shown by `drkit plugins
  // describe` and `drkit schema`, so a factory need not check them again.
  std::optional<std::int64_t> minimum = std::nullopt;
  std::optional<std::int64_t> maximum = std::nullopt;
};

struct ComponentSpec {
  // The short name, unique within its plugin ("recover_database"). The registry qualifies
  // it with the plugin name: "sqlserver.recover_database".
  std::string name;
  // One line, shown by `drkit plugins describe` and in plans.
  std::string summary;
  Effect effect = Effect::read_only;
  std::vector<ParamSpec> params = {};
  // Longer help: what the component does, what it outputs, when it is a no-op.
  std::string description = {};
};

DRKIT_API const char* to_string(ParamType type);
DRKIT_API const char* to_string(Effect effect);
DRKIT_API const char* to_string(ComponentKind kind);

}  // namespace drkit
