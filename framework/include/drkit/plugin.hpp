// The plugin descriptor and the macro that exports it.
//
// A plugin is one shared library, drkit-NAME.so, that exports exactly one Boost.DLL alias,
// "drkit_plugin_descriptor", returning a pointer to a static PluginDescriptor. Write, once,
// in one .cc file of the plugin:
//
//   static void register_components(drkit::Registry& r) { r.add_step(...); ... }
//   DRKIT_PLUGIN("hello", "1.0.0", "Greets people", register_components)
//
// The loader reads abi_version and toolchain first and refuses a mismatch before touching
// anything else, so those two fields stay first in every ABI version.
#pragma once

#include <boost/dll/alias.hpp>

#include "drkit/registry.hpp"
#include "drkit/version.hpp"

namespace drkit {

struct PluginDescriptor {
  int abi_version;        // drkit::kAbiVersion when the plugin was compiled
  const char* toolchain;  // drkit::kToolchain when the plugin was compiled
  const char* name;       // qualifies component names: "sqlserver"
  const char* version;    // the plugin's own version, semver: "1.2.0"
  const char* summary;    // one line
  void (*register_components)(Registry&);
};

using PluginDescriptorFn = const PluginDescriptor*();

inline constexpr const char* kPluginAlias = "drkit_plugin_descriptor";

}  // namespace drkit

// The alias name must differ from the function's name (Boost.DLL shadows it otherwise).
#define DRKIT_PLUGIN(NAME, VERSION, SUMMARY, REGISTER)                                  \
  namespace drkit_plugin_impl {                                                          \
  const ::drkit::PluginDescriptor* describe_plugin() {                                   \
    static const ::drkit::PluginDescriptor descriptor{                                   \
        ::drkit::kAbiVersion, ::drkit::kToolchain, NAME, VERSION, SUMMARY, &REGISTER};    \
    return &descriptor;                                                                  \
  }                                                                                      \
  }                                                                                      \
  BOOST_DLL_ALIAS(drkit_plugin_impl::describe_plugin, drkit_plugin_descriptor)
