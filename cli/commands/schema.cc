// `drkit schema`: a JSON Schema (draft 2020-12) of the manifest for editors, where each
// step's `with` is checked against its component's parameters.
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "command.h"
#include "exit_code.h"
#include "spec_json.h"
#include "workspace.h"

namespace drkit::cli {

namespace json = boost::json;

namespace {

json::array component_variants(const ComponentRegistry& reg, ComponentKind kind, const char* key) {
  json::array variants;
  for (const auto& [name, e] : reg.entries()) {
    if (e.kind != kind) continue;
    variants.push_back({{"if", {{"properties", {{key, {{"const", name}}}}}, {"required", json::array{key}}}},
                        {"then", {{"properties", {{"with", with_schema(e.spec)}}}}}});
  }
  return variants;
}

json::array names_of(const ComponentRegistry& reg, ComponentKind kind) {
  json::array out;
  for (const auto& n : reg.names(kind)) out.push_back(json::value(n));
  return out;
}

}  // namespace

std::function<int()> setup_schema(CLI::App&, GlobalOptions& o) {
  return [&o]() -> int {
    auto ws = Workspace::plugins_only(o);
    const auto& reg = ws->registry();
    json::object probe_use{{"type", "object"},
                           {"required", json::array{"probe"}},
                           {"properties", {{"probe", {{"enum", names_of(reg, ComponentKind::probe)}}},
                                           {"with", {{"type", "object"}}}, {"expect", json::object{}},
                                           {"id", {{"type", "string"}}}, {"reason", {{"type", "string"}}},
                                           {"description", {{"type", "string"}}}}},
                           {"allOf", component_variants(reg, ComponentKind::probe, "probe")}};
    json::object step{
        {"type", "object"},
        {"required", json::array{"id", "uses"}},
        {"additionalProperties", false},
        {"properties",
         {{"id", {{"type", "string"}}},
          {"uses", {{"enum", names_of(reg, ComponentKind::step)}}},
          {"with", {{"type", "object"}}},
          {"description", {{"type", "string"}}},
          {"when", json::object{}},
          {"confirm", {{"type", "string"}}},
          {"retry", {{"type", "object"}, {"properties", {{"attempts", {{"type", "integer"}, {"minimum", 1}}},
                                                          {"delay", {{"type", "string"}}}, {"backoff", {{"type", "number"}}},
                                                          {"max_delay", {{"type", "string"}}}}}}},
          {"timeout", {{"type", "string"}}},
          {"on_failure", {{"enum", json::array{"abort", "continue", "rollback"}}}},
          {"critical", {{"type", "boolean"}}},
          {"verify", {{"type", "array"}, {"items", {{"$ref", "#/$defs/probe_use"}}}}},
          {"wait_until", {{"type", "object"}}},
          {"compensate", {{"type", "array"}, {"items", {{"$ref", "#/$defs/step"}}}}}}},
        {"allOf", component_variants(reg, ComponentKind::step, "uses")}};
    json::object stage{{"oneOf", json::array{{{"$ref", "#/$defs/step"}},
                                             {{"type", "object"}, {"required", json::array{"parallel"}},
                                              {"properties", {{"parallel", {{"type", "array"}, {"items", {{"$ref", "#/$defs/step"}}}}},
                                                              {"max_parallel", {{"type", "integer"}, {"minimum", 1}}},
                                                              {"fail_fast", {{"type", "boolean"}}}}}}}}};
    json::object resource{{"type", "object"},
                          {"required", json::array{"type"}},
                          {"properties", {{"type", {{"enum", names_of(reg, ComponentKind::resource)}}},
                                          {"with", {{"type", "object"}}}}},
                          {"allOf", component_variants(reg, ComponentKind::resource, "type")}};
    json::object notifier{{"type", "object"},
                          {"required", json::array{"uses"}},
                          {"properties", {{"uses", {{"enum", names_of(reg, ComponentKind::notifier)}}},
                                          {"with", {{"type", "object"}}},
                                          {"on", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                                          {"name", {{"type", "string"}}}}},
                          {"allOf", component_variants(reg, ComponentKind::notifier, "uses")}};
    json::object pipeline{{"type", "object"},
                          {"required", json::array{"steps"}},
                          {"properties", {{"description", {{"type", "string"}}}, {"rto_target", {{"type", "string"}}},
                                          {"guards", {{"type", "array"}, {"items", {{"$ref", "#/$defs/probe_use"}}}}},
                                          {"steps", {{"type", "array"}, {"items", {{"$ref", "#/$defs/stage"}}}}}}}};
    json::object schema{
        {"$schema", "https://json-schema.org/draft/2020-12/schema"},
        {"title", "drkit manifest"},
        {"type", "object"},
        {"required", json::array{"drkit", "pipelines"}},
        {"properties",
         {{"drkit", {{"const", 1}}},
          {"name", {{"type", "string"}}},
          {"description", {{"type", "string"}}},
          {"vars", {{"type", "object"}}},
          {"plugin_path", json::object{}},
          {"environments", {{"type", "object"}}},
          {"resources", {{"type", "object"}, {"additionalProperties", {{"$ref", "#/$defs/resource"}}}}},
          {"notify", {{"type", "array"}, {"items", {{"$ref", "#/$defs/notifier"}}}}},
          {"pipelines", {{"type", "object"}, {"additionalProperties", {{"$ref", "#/$defs/pipeline"}}}}}}},
        {"$defs", {{"step", step}, {"stage", stage}, {"probe_use", probe_use}, {"resource", resource},
                   {"notifier", notifier}, {"pipeline", pipeline}}}};
    fmt::print("{}\n", json::serialize(schema));
    return kOk;
  };
}

}  // namespace drkit::cli
