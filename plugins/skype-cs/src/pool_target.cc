#include "pool_target.h"

#include "drkit/errors.hpp"
#include "ps_quote.h"

namespace drkit::skype_cs {

PoolTarget read_pool_target(const Params& p, std::string_view missing) {
  PoolTarget t;
  if (p.has("pool_fqdn")) {
    t.pool_fqdn = p.string("pool_fqdn");
    validate_fqdn("pool_fqdn", *t.pool_fqdn);
  }
  if (p.has("identity")) {
    t.identity = p.string("identity");
    validate_identity("identity", *t.identity);
  }
  if (!t.pool_fqdn && !t.identity) throw ConfigError(std::string(missing));
  return t;
}

}  // namespace drkit::skype_cs
