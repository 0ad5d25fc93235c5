// JSON forms of component specs, shared by `plugins describe --output json` and `schema`.
#pragma once

#include <boost/json/object.hpp>

#include "component_registry.h"

namespace drkit::cli {

// {"name":..., "kind":..., "effect":..., "summary":..., "params":[{name,type,required,...}]}
boost::json::object spec_to_json(const ComponentEntry& entry);
// A JSON Schema for one component's `with` block.
boost::json::object with_schema(const ComponentSpec& spec);

}  // namespace drkit::cli
