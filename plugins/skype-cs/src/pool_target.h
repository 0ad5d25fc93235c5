// Which pool a step or probe acts on: `pool_fqdn` (the identity is then read from the
// shell) or `identity` (used as is). Shared by set_pool_state, set_active_servers and the
// pool_state probe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "drkit/params.hpp"

namespace drkit::skype_cs {

struct PoolTarget {
  std::optional<std::string> pool_fqdn;
  std::optional<std::string> identity;
};

// Reads and validates both parameters; throws ConfigError(`missing`) when neither is given.
PoolTarget read_pool_target(const Params& p, std::string_view missing);

}  // namespace drkit::skype_cs
