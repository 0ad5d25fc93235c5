// ComponentRegistry: every loaded component, by qualified name.
//
// Plugins fill it through the drkit::Registry interface while the loader tells it which
// plugin is registering; it is frozen before a run and read-only after (no lock needed).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drkit/registry.hpp"

namespace drkit {

struct ComponentEntry {
  std::string name;  // qualified: "sqlserver.recover_database"
  ComponentKind kind;
  ComponentSpec spec;
  std::string plugin;              // "sqlserver"
  std::filesystem::path plugin_file;
  StepFactory make_step;
  ProbeFactory make_probe;
  NotifierFactory make_notifier;
};

class ComponentRegistry final : public Registry {
 public:
  // Components registered from now on belong to this plugin.
  void begin_plugin(std::string plugin_name, std::filesystem::path file);
  // Removes what the current plugin registered: its registration failed part-way, and its
  // components must not outlive the refusal.
  void abandon_plugin() { remove_plugin_file(current_file_); }
  // Removes every component registered from `file` (its factories hold that file's code, so
  // they must go before the library is unloaded). Allowed on a frozen registry.
  void remove_plugin_file(const std::filesystem::path& file);
  void freeze() { frozen_ = true; }

  void add_step(ComponentSpec spec, StepFactory make) override;
  void add_probe(ComponentSpec spec, ProbeFactory make) override;
  void add_notifier(ComponentSpec spec, NotifierFactory make) override;
  void add_resource_type(ComponentSpec spec) override;

  // nullptr when absent or of another kind.
  const ComponentEntry* find(std::string_view name, ComponentKind kind) const;
  // Any kind.
  const ComponentEntry* find_any(std::string_view name) const;
  // Sorted qualified names of one kind (all kinds if nullopt).
  std::vector<std::string> names(std::optional<ComponentKind> kind = std::nullopt) const;
  const std::map<std::string, ComponentEntry, std::less<>>& entries() const { return entries_; }

 private:
  void add(ComponentKind kind, ComponentSpec spec, StepFactory s, ProbeFactory p,
           NotifierFactory n);

  std::map<std::string, ComponentEntry, std::less<>> entries_;
  std::string current_plugin_;
  std::filesystem::path current_file_;
  bool frozen_ = false;
};

}  // namespace drkit
