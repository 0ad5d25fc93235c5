// drkit-abi-next.so: claims the next ABI version, as a plugin built against a newer SDK
// would. The descriptor is written by hand because DRKIT_PLUGIN always records kAbiVersion.
#include "drkit/sdk.hpp"

namespace {
void register_nothing(drkit::Registry&) {}
}  // namespace

namespace abi_next {
const drkit::PluginDescriptor* describe_plugin() {
  static const drkit::PluginDescriptor descriptor{
      drkit::kAbiVersion + 1, drkit::kToolchain, "abinext", "9.0.0",
      "Built for the next ABI version", &register_nothing};
  return &descriptor;
}
}  // namespace abi_next

BOOST_DLL_ALIAS(abi_next::describe_plugin, drkit_plugin_descriptor)
