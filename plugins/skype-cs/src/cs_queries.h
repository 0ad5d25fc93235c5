// The read-only queries the steps and probes share: the statement that reads, and the parser
// of its JSON. Every query projects the cmdlet's objects to strings (see project()).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

namespace drkit::skype_cs {

// Get-CsPersistentChatState.
struct PoolStateRow {
  std::string identity;    // as the cmdlet returned it: reuse it, don't build it
  std::string pool_state;  // "Normal" | "FailedOver"
};
std::string pool_state_query(const std::optional<std::string>& identity);
std::vector<PoolStateRow> parse_pool_states(const boost::json::value& v);
// The row whose identity equals `identity` (case-insensitively), else whose identity ends
// with ":<pool_fqdn>", else null.
const PoolStateRow* find_pool_state(const std::vector<PoolStateRow>& rows,
                                    const std::optional<std::string>& identity,
                                    const std::optional<std::string>& pool_fqdn);

// Get-CsService -PersistentChatServer.
struct ServiceRow {
  std::string identity;
  std::string pool_fqdn;
  std::vector<std::string> active_servers;
};
std::string services_query();
std::vector<ServiceRow> parse_services(const boost::json::value& v);
const ServiceRow* find_service(const std::vector<ServiceRow>& rows,
                               const std::optional<std::string>& identity,
                               const std::optional<std::string>& pool_fqdn);

// Get-CsDatabaseMirrorState.
struct MirrorStateRow {
  std::string database_name;
  std::string state_on_primary;  // "Principal" | "Mirror" | "" (not mirrored)
  std::string state_on_mirror;
  bool mirrored() const;
  // "Primary" or "Mirror": the side that is principal now; "" when not mirrored.
  std::string principal_side() const;
};
std::string mirror_state_query(const std::string& pool_fqdn, const std::string& database_type);
std::optional<MirrorStateRow> parse_mirror_state(const boost::json::value& v);

bool iequals(std::string_view a, std::string_view b);

}  // namespace drkit::skype_cs
