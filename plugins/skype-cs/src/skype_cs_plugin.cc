#include "drkit/plugin.hpp"
#include "shell.h"
#include "skype_cs_components.h"

namespace {
void register_skype_cs(drkit::Registry& r) {
  using namespace drkit::skype_cs;
  r.add_resource_type(shell_resource_spec());
  register_set_pool_state(r);
  register_set_active_servers(r);
  register_install_mirror_database(r);
  register_invoke_database_failover(r);
  register_invoke(r);
  register_pool_state_probe(r);
  register_cmdlet_probe(r);
}
}  // namespace

DRKIT_PLUGIN("skype-cs", "0.1.0",
             "Persistent Chat cmdlets (pool state, active servers, mirror databases) through a "
             "PowerShell Management Shell, local or over ssh",
             register_skype_cs)
