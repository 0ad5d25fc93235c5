// Turning a resolved `with:` block into the Params a component receives.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include "component_registry.h"
#include "drkit/params.hpp"
#include "redactor.h"

namespace drkit {

// The run's resources by name, each validated against its type's spec.
using ResourceTable = std::map<std::string, std::shared_ptr<const ResourceRef>>;

// Validates `with` strictly (templates already resolved), applies defaults, links
// resource-typed parameters to their resources and registers secret values with
// `redactor`. Throws ConfigError listing every problem, prefixed by `path`.
Params make_params(const ComponentSpec& spec, const boost::json::object& with,
                   const std::string& path, const ResourceTable& resources, Redactor& redactor);

// Builds one resource of a registered type (its parameters may not reference resources).
std::shared_ptr<const ResourceRef> make_resource(const ComponentRegistry& registry,
                                                 const std::string& name, const std::string& type,
                                                 const boost::json::object& with,
                                                 const std::string& path, Redactor& redactor);

}  // namespace drkit
