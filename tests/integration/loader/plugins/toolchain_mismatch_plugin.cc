// drkit-othertool.so: the right ABI version but another compiler/standard library tag, as
// a plugin built with clang and libc++ would record.
#include "drkit/sdk.hpp"

namespace {
void register_nothing(drkit::Registry&) {}
}  // namespace

namespace other_toolchain {
const drkit::PluginDescriptor* describe_plugin() {
  static const drkit::PluginDescriptor descriptor{
      drkit::kAbiVersion, "clang-99/libc++-99/c++202002/boost-999999", "othertool", "1.0.0",
      "Built with another toolchain", &register_nothing};
  return &descriptor;
}
}  // namespace other_toolchain

BOOST_DLL_ALIAS(other_toolchain::describe_plugin, drkit_plugin_descriptor)
