#include "run_environment.h"

#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "manifest_validator.h"
#include "template.h"

namespace drkit {

namespace json = boost::json;

RunEnvironment::RunEnvironment(const Manifest& manifest, const ComponentRegistry& registry, RunScope& scope,
                               RunIdentity identity, bool plan_mode)
    : manifest_(manifest), registry_(registry), scope_(scope), identity_(std::move(identity)), plan_mode_(plan_mode) {
  for (const auto& [name, def] : manifest_.resources) {
    Diagnostics problems;
    auto with = resolve(json::value(def.with), def.path + ".with");
    resources_[name] = make_resource(registry_, name, def.type, with.get_object(), def.path, scope_.redactor());
  }
}

const ComponentEntry& RunEnvironment::entry(const std::string& name, ComponentKind kind) const {
  if (const auto* e = registry_.find(name, kind)) return *e;
  throw ConfigError(fmt::format("no {} named '{}' is loaded", to_string(kind), name));
}

json::value RunEnvironment::lookup(std::string_view ref) const {
  if (ref.starts_with("secret:")) {
    std::string value = read_secret(ref, std::filesystem::absolute(manifest_.file).parent_path());
    scope_.redactor().add(value);
    return json::value(value);
  }
  if (ref == "run.id") return json::value(identity_.run_id);
  if (ref == "run.pipeline") return json::value(identity_.pipeline);
  if (ref == "run.environment") return json::value(identity_.environment);
  if (ref.starts_with("steps.")) {
    auto rest = ref.substr(6);
    auto dot = rest.find(".outputs.");
    if (dot == std::string_view::npos) throw ConfigError(fmt::format("'${{{}}}' must read ${{steps.ID.outputs.KEY}}", ref));
    std::string id(rest.substr(0, dot));
    std::string key(rest.substr(dot + 9));
    const auto* outputs = scope_.outputs(id);
    if (!outputs) {
      if (plan_mode_) return json::value(fmt::format("<outputs of {}.{}>", id, key));
      throw ConfigError(fmt::format("'${{{}}}': step '{}' has no outputs in this run (it did not run or failed)", ref, id));
    }
    // Nested keys: ${steps.snap.outputs.primary.server}
    const json::value* v = nullptr;
    const json::object* o = outputs;
    std::string_view path = key;
    while (o) {
      auto d = path.find('.');
      auto part = path.substr(0, d);
      v = o->if_contains(part);
      if (!v || d == std::string_view::npos) break;
      path.remove_prefix(d + 1);
      o = v->if_object();
      if (!o) v = nullptr;
    }
    if (!v) {
      std::string keys;
      for (const auto& [k, val] : *outputs) keys += (keys.empty() ? "" : ", ") + std::string(k);
      throw ConfigError(fmt::format("'${{{}}}': step '{}' has no output '{}' (outputs: {})", ref, id, key,
                                    keys.empty() ? "none" : keys));
    }
    return *v;
  }
  throw ConfigError(fmt::format("unknown reference '${{{}}}'", ref));
}

json::value RunEnvironment::resolve(const json::value& v, const std::string& path) const {
  Diagnostics problems;
  auto out = resolve_templates(v, [this](std::string_view ref) { return lookup(ref); }, path, problems);
  if (!problems.empty()) {
    std::string text;
    for (const auto& d : problems) text += (text.empty() ? "" : "\n") + d.to_string();
    throw ConfigError(text);
  }
  return out;
}

Params RunEnvironment::params_for(const ComponentEntry& entry, const json::object& with, const std::string& path) const {
  auto resolved = resolve(json::value(with), path + ".with");
  return make_params(entry.spec, resolved.get_object(), path + ".with", resources_, scope_.redactor());
}

json::object RunEnvironment::shown_params(const ComponentEntry& entry, const json::object& with,
                                          const std::string& path) const {
  json::object shown;
  json::value resolved;
  try {
    resolved = resolve(json::value(with), path + ".with");
  } catch (const ConfigError&) {
    resolved = with;
  }
  for (const auto& [k, v] : resolved.get_object()) {
    bool secret = false;
    for (const auto& p : entry.spec.params) secret = secret || (p.name == k && p.secret);
    shown[k] = secret ? json::value("***") : scope_.redactor().redact_json(v);
  }
  return shown;
}

}  // namespace drkit
