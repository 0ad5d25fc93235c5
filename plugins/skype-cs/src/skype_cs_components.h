// Registration functions of the skype-cs plugin's components, one per file.
#pragma once

#include "drkit/registry.hpp"

namespace drkit::skype_cs {

void register_set_pool_state(Registry& r);
void register_set_active_servers(Registry& r);
void register_install_mirror_database(Registry& r);
void register_invoke_database_failover(Registry& r);
void register_invoke(Registry& r);
void register_pool_state_probe(Registry& r);
void register_cmdlet_probe(Registry& r);

}  // namespace drkit::skype_cs
