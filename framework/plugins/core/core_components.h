// Registration functions of the core plugin's components, one per file.
#pragma once

#include "drkit/registry.hpp"

namespace drkit::core {

void register_exec(Registry& r);
void register_sleep(Registry& r);
void register_confirm(Registry& r);
void register_command_probe(Registry& r);
void register_tcp_probe(Registry& r);
void register_file_probe(Registry& r);
void register_log_notifier(Registry& r);

}  // namespace drkit::core
