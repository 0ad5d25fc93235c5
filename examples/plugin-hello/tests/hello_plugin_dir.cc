// HELLO_PLUGIN_DIR is set on this file only (CMakeLists.txt): the other test files then do
// not depend on where the build folder is, and a compiler cache can reuse them.
#include <string>

std::string hello_plugin_dir() { return HELLO_PLUGIN_DIR; }
