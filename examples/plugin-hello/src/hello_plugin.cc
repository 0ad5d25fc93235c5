// The plugin's entry point: its one exported symbol (DRKIT_PLUGIN) and the function that
// registers its components. drkit qualifies each name with the plugin's: hello.write_greeting.
#include <drkit/plugin.hpp>

#include "hello_components.h"

namespace {
void register_hello(drkit::Registry& r) {
  hello::register_write_greeting(r);
  hello::register_greeted_probe(r);
  hello::register_event_log_notifier(r);
}
}  // namespace

// HELLO_VERSION comes from project(... VERSION) in CMakeLists.txt.
DRKIT_PLUGIN("hello", HELLO_VERSION, "Greets people: the example out-of-tree plugin", register_hello)
