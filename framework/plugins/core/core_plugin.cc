#include "core_components.h"
#include "drkit/plugin.hpp"

namespace {
void register_core(drkit::Registry& r) {
  using namespace drkit::core;
  register_exec(r);
  register_sleep(r);
  register_confirm(r);
  register_command_probe(r);
  register_tcp_probe(r);
  register_file_probe(r);
  register_log_notifier(r);
}
}  // namespace

DRKIT_PLUGIN("core", drkit::kVersion, "Built-in steps, probes and notifiers", register_core)
