// Registry: where a plugin adds its components.
//
// A plugin's register function receives a Registry and adds each component with its spec
// and factory. Names are qualified with the plugin name ("sqlserver" + "recover_database"
// = "sqlserver.recover_database"). Registering a name twice fails loudly, naming both
// plugin files. The registry is filled at load time and frozen before any run.
#pragma once

#include <functional>
#include <memory>

#include "drkit/component.hpp"
#include "drkit/export.hpp"
#include "drkit/params.hpp"
#include "drkit/spec.hpp"

namespace drkit {

// Factories build a component from its validated parameters. They may throw ConfigError
// for constraints the spec cannot express ("either `path` or `pattern`").
using StepFactory = std::function<std::unique_ptr<Step>(const Params&)>;
using ProbeFactory = std::function<std::unique_ptr<Probe>(const Params&)>;
using NotifierFactory = std::function<std::unique_ptr<Notifier>(const Params&)>;

class DRKIT_API Registry {
 public:
  virtual ~Registry();
  virtual void add_step(ComponentSpec spec, StepFactory make) = 0;
  virtual void add_probe(ComponentSpec spec, ProbeFactory make) = 0;
  virtual void add_notifier(ComponentSpec spec, NotifierFactory make) = 0;
  // A resource type: a named, validated parameter bundle that components reference with a
  // ParamType::resource parameter (e.g. "instance" of type "sqlserver.instance").
  virtual void add_resource_type(ComponentSpec spec) = 0;
};

}  // namespace drkit
