// Registration functions of the hello plugin's components, one per file.
#pragma once

#include <drkit/registry.hpp>

namespace hello {

void register_write_greeting(drkit::Registry& r);
void register_greeted_probe(drkit::Registry& r);
void register_event_log_notifier(drkit::Registry& r);

}  // namespace hello
