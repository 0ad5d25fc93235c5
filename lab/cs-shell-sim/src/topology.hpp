// The simulated Skype for Business topology and Persistent Chat state, kept in a JSON file
// between invocations (one process per script, like `pwsh -Command -`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

namespace cssim {

// A SQL Server store as Topology Builder defines it: an instance and its mirror.
struct SqlStore {
  std::string fqdn;
  std::string instance;         // empty: the default instance
  std::string mirror_fqdn;      // empty: no mirror defined
  std::string mirror_instance;
};

struct Computer {
  std::string fqdn;
  std::string site;
};

struct Pool {
  std::string fqdn;
  std::string site;
  std::vector<Computer> computers;
  std::string pool_state = "Normal";  // Normal | FailedOver
  // The identity Get-CsPersistentChatState returns, and other literals -Identity accepts.
  std::string state_identity;
  std::vector<std::string> state_identity_aliases;
  // The identity Get-CsService -PersistentChatServer returns, and accepted aliases.
  std::string service_identity;
  std::vector<std::string> service_identity_aliases;
  std::vector<std::string> active_servers;
  bool compliance = false;  // a compliance database (mgccomp) is configured
  std::optional<SqlStore> primary_store;
  std::optional<SqlStore> backup_store;

  // The store the pool uses now: the primary when Normal, the backup when FailedOver.
  const std::optional<SqlStore>& active_store() const;
  bool is_member(std::string_view server) const;
};

struct MirrorInstall {
  std::string sql_fqdn;
  std::string instance;
  std::string database_type;  // PersistentChat | PersistentChatCompliance
  std::string file_share;
  // Which partner is principal now: "Primary" or "Mirror" (Invoke-CsDatabaseFailover).
  std::string principal = "Primary";
};

class Topology {
 public:
  std::vector<Pool> pools;
  std::vector<MirrorInstall> mirrors;
  // One line per change, for `--status` and for tests ("what did the script do").
  std::vector<std::string> history;

  Pool* find_pool_by_fqdn(std::string_view fqdn);
  Pool* find_pool_by_state_identity(std::string_view identity);
  Pool* find_pool_by_service_identity(std::string_view identity);
  MirrorInstall* find_mirror(std::string_view sql_fqdn, std::string_view instance,
                             std::string_view database_type);

  boost::json::value to_json() const;
  // Throws std::runtime_error naming the JSON path of a bad field.
  static Topology from_json(const boost::json::value& v);
};

// Defaults for identities, as the seed helpers build them.
std::string default_state_identity(std::string_view pool_fqdn);
std::string default_service_identity(std::string_view pool_fqdn);
std::string database_name(std::string_view database_type);  // mgc | mgccomp

}  // namespace cssim
