#include "component_registry.h"

#include <fmt/format.h>

#include "drkit/errors.hpp"

namespace drkit {

void ComponentRegistry::begin_plugin(std::string plugin_name, std::filesystem::path file) {
  current_plugin_ = std::move(plugin_name);
  current_file_ = std::move(file);
}

void ComponentRegistry::remove_plugin_file(const std::filesystem::path& file) {
  std::erase_if(entries_, [&](const auto& item) { return item.second.plugin_file == file; });
}

void ComponentRegistry::add(ComponentKind kind, ComponentSpec spec, StepFactory s,
                            ProbeFactory p, NotifierFactory n) {
  if (frozen_) throw ConfigError("the component registry is frozen: register at load time");
  std::string name = current_plugin_ + "." + spec.name;
  if (auto it = entries_.find(name); it != entries_.end()) {
    if (it->second.plugin_file == current_file_) {
      throw ConfigError(fmt::format("component '{}' is registered twice by {}: names must be "
                                    "unique within a plugin",
                                    name, current_file_.string()));
    }
    throw ConfigError(fmt::format("component '{}' is registered by both {} and {}: keep only "
                                  "one of them on the plugin path",
                                  name, it->second.plugin_file.string(), current_file_.string()));
  }
  // The registry's copy carries the qualified name, so messages built from the spec
  // ("unknown parameter 'x' for sqlserver.restore_database") name what the manifest wrote.
  spec.name = name;
  ComponentEntry e{name, kind, std::move(spec), current_plugin_, current_file_,
                   std::move(s), std::move(p), std::move(n)};
  entries_.emplace(name, std::move(e));
}

void ComponentRegistry::add_step(ComponentSpec spec, StepFactory make) {
  add(ComponentKind::step, std::move(spec), std::move(make), {}, {});
}
void ComponentRegistry::add_probe(ComponentSpec spec, ProbeFactory make) {
  add(ComponentKind::probe, std::move(spec), {}, std::move(make), {});
}
void ComponentRegistry::add_notifier(ComponentSpec spec, NotifierFactory make) {
  add(ComponentKind::notifier, std::move(spec), {}, {}, std::move(make));
}
void ComponentRegistry::add_resource_type(ComponentSpec spec) {
  add(ComponentKind::resource, std::move(spec), {}, {}, {});
}

const ComponentEntry* ComponentRegistry::find(std::string_view name, ComponentKind kind) const {
  auto e = find_any(name);
  return e && e->kind == kind ? e : nullptr;
}

const ComponentEntry* ComponentRegistry::find_any(std::string_view name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::string> ComponentRegistry::names(std::optional<ComponentKind> kind) const {
  std::vector<std::string> out;
  for (const auto& [name, e] : entries_)
    if (!kind || e.kind == *kind) out.push_back(name);
  return out;
}

}  // namespace drkit
