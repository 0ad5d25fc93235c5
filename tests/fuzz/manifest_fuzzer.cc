// libFuzzer target: parse_manifest + validate_manifest on arbitrary bytes.
//
// Whatever the input, the manifest layer must either accept it or throw ValidationFailed
// whose every diagnostic has a message (and, past the JSON syntax check, a position): never
// crash, hang, leak, or throw anything else. The registry holds the real core plugin plus a
// resource type and a step with allowed values, so the validator's resource and allowed-value
// paths are reachable too.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "component_registry.h"
#include "manifest.h"
#include "manifest_validator.h"
#include "plugin_loader.h"

namespace {

class NoopStep final : public drkit::Step {
 public:
  drkit::Plan plan(drkit::Context&) override { return {"nothing"}; }
  boost::json::object run(drkit::Context&) override { return {}; }
};

// Built once and never destroyed (libFuzzer exits without unwinding), but kept reachable
// from these globals so LeakSanitizer does not count them.
drkit::ComponentRegistry* g_registry = nullptr;
drkit::PluginLoader* g_loader = nullptr;

drkit::ComponentRegistry& registry() {
  if (!g_registry) {
    auto* r = g_registry = new drkit::ComponentRegistry();
    g_loader = new drkit::PluginLoader(*r);
    g_loader->load_file(std::string(DRKIT_PLUGIN_DIR) + "/drkit-core.so", true);
    r->begin_plugin("fuzz", "manifest_fuzzer");
    r->add_resource_type({.name = "server",
                          .summary = "a server",
                          .params = {{.name = "host", .required = true},
                                     {.name = "password", .secret = true}}});
    r->add_step({.name = "deploy",
                 .summary = "deploys",
                 .effect = drkit::Effect::mutating,
                 .params = {{.name = "target", .type = drkit::ParamType::resource,
                             .required = true, .resource_type = "fuzz.server"},
                            {.name = "mode", .default_value = "safe", .allowed = {"fast", "safe"}},
                            {.name = "count", .type = drkit::ParamType::integer},
                            {.name = "tags", .type = drkit::ParamType::list}}},
                [](const drkit::Params&) { return std::make_unique<NoopStep>(); });
    r->freeze();
  }
  return *g_registry;
}

void check_diagnostics(const drkit::Diagnostics& ds) {
  for (const auto& d : ds) {
    // A problem nobody can read or find is a bug.
    if (d.message.empty() || d.file.empty() || d.line < 1 || d.column < 1) {
      std::fprintf(stderr, "diagnostic without message or position: %s\n", d.to_string().c_str());
      std::abort();
    }
  }
}

void parse_and_validate(const std::string& text, const std::string& env) {
  try {
    auto manifest = drkit::parse_manifest(text, "fuzz.json", env);
    check_diagnostics(drkit::validate_manifest(manifest, registry()));
    for (const auto& [name, p] : manifest.pipelines) (void)p.steps();
  } catch (const drkit::ValidationFailed& e) {
    if (e.diagnostics().empty()) {
      std::fprintf(stderr, "ValidationFailed without diagnostics\n");
      std::abort();
    }
    check_diagnostics(e.diagnostics());
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  registry();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  parse_and_validate(text, "");
  // The overlay path too, when the input names an environment the seeds use.
  if (text.find("\"lab\"") != std::string::npos) parse_and_validate(text, "lab");
  return 0;
}
