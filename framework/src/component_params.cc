#include "component_params.h"

#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "param_validator.h"
#include "spellcheck.h"

namespace drkit {

namespace {
// Every string inside a secret parameter is a secret: a `headers` object's values, a list
// of tokens.
void add_secret_strings(const boost::json::value& v, Redactor& redactor) {
  if (v.is_string()) redactor.add(std::string(v.get_string()));
  if (v.is_array())
    for (const auto& item : v.get_array()) add_secret_strings(item, redactor);
  if (v.is_object())
    for (const auto& [k, item] : v.get_object()) add_secret_strings(item, redactor);
}

[[noreturn]] void fail(const Diagnostics& problems) {
  std::string text;
  for (const auto& d : problems) text += (text.empty() ? "" : "\n") + d.to_string();
  throw ConfigError(text);
}
}  // namespace

Params make_params(const ComponentSpec& spec, const boost::json::object& with,
                   const std::string& path, const ResourceTable& resources, Redactor& redactor) {
  Diagnostics problems;
  auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    auto it = resources.find(name);
    if (it == resources.end()) return std::nullopt;
    return it->second->type;
  };
  auto values = validate_params(spec, with, path, lookup, ParamCheck{true}, problems);
  if (!problems.empty()) fail(problems);
  std::map<std::string, std::shared_ptr<const ResourceRef>> linked;
  for (const auto& p : spec.params) {
    auto it = values.find(p.name);
    if (it == values.end()) continue;
    if (p.secret) add_secret_strings(it->value(), redactor);
    if (p.type == ParamType::resource) linked[p.name] = resources.at(std::string(it->value().get_string()));
  }
  return Params(std::move(values), std::move(linked));
}

std::shared_ptr<const ResourceRef> make_resource(const ComponentRegistry& registry,
                                                 const std::string& name, const std::string& type,
                                                 const boost::json::object& with,
                                                 const std::string& path, Redactor& redactor) {
  const auto* entry = registry.find(type, ComponentKind::resource);
  if (!entry) {
    throw ConfigError(fmt::format("{}.type: unknown resource type '{}'{}", path, type,
                                  did_you_mean(type, registry.names(ComponentKind::resource))));
  }
  auto params = make_params(entry->spec, with, path + ".with", {}, redactor);
  return std::make_shared<const ResourceRef>(ResourceRef{name, type, std::move(params)});
}

}  // namespace drkit
