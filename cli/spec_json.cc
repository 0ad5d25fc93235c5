#include "spec_json.h"

namespace drkit::cli {

namespace json = boost::json;

json::object spec_to_json(const ComponentEntry& e) {
  json::array params;
  for (const auto& p : e.spec.params) {
    json::object o{{"name", p.name}, {"type", to_string(p.type)}, {"required", p.required},
                   {"description", p.description}, {"secret", p.secret}};
    if (!p.default_value.is_null()) o["default"] = p.default_value;
    if (!p.allowed.empty()) o["allowed"] = json::array(p.allowed.begin(), p.allowed.end());
    if (!p.resource_type.empty()) o["resource_type"] = p.resource_type;
    if (p.type == ParamType::list) o["item_type"] = to_string(p.item_type);
    if (p.minimum) o["minimum"] = *p.minimum;
    if (p.maximum) o["maximum"] = *p.maximum;
    params.push_back(std::move(o));
  }
  return {{"name", e.name}, {"kind", to_string(e.kind)}, {"effect", to_string(e.spec.effect)},
          {"summary", e.spec.summary}, {"description", e.spec.description}, {"plugin", e.plugin},
          {"params", params}};
}

namespace {
json::object type_schema(ParamType t) {
  switch (t) {
    case ParamType::string:
    case ParamType::resource: return {{"type", "string"}};
    case ParamType::integer: return {{"type", json::array{"integer", "string"}}};
    case ParamType::boolean: return {{"type", json::array{"boolean", "string"}}};
    case ParamType::duration: return {{"type", json::array{"string", "integer"}}, {"pattern", "^([0-9]+(ms|s|m|h|d))+$|^\\$\\{"}};
    case ParamType::list: return {{"type", "array"}};
    case ParamType::object: return {{"type", "object"}};
  }
  return {};
}
}  // namespace

json::object with_schema(const ComponentSpec& spec) {
  json::object props;
  json::array required;
  for (const auto& p : spec.params) {
    auto s = type_schema(p.type);
    s["description"] = p.description;
    if (!p.allowed.empty()) s["enum"] = json::array(p.allowed.begin(), p.allowed.end());
    // JSON Schema applies these to numbers only, so a "${var.x}" string still passes.
    if (p.minimum) s["minimum"] = *p.minimum;
    if (p.maximum) s["maximum"] = *p.maximum;
    if (!p.default_value.is_null()) s["default"] = p.default_value;
    props[p.name] = std::move(s);
    if (p.required) required.push_back(json::value(p.name));
  }
  json::object o{{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
  if (!required.empty()) o["required"] = required;
  return o;
}

}  // namespace drkit::cli
