// The read-only queries several components share, each with the exact T-SQL it sends
// (plans show it) and a reader that turns the result into a struct.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "instance.hpp"
#include "lsn.hpp"

namespace drkit::sqlserver {

// sys.databases + sys.master_files (file 1): state, standby, redo point.
struct DatabaseState {
  bool exists = false;
  std::string state_desc;  // ONLINE, RESTORING, ...
  bool is_in_standby = false;
  std::string user_access_desc;
  bool broker_enabled = false;
  std::optional<Lsn> redo_start_lsn;  // only while RESTORING / RECOVERY_PENDING
  std::string redo_start_fork_guid;

  // ONLINE and not STANDBY: nothing more can be restored.
  bool recovered() const { return exists && state_desc == "ONLINE" && !is_in_standby; }
  // RESTORING or STANDBY: log backups can be applied.
  bool restoring() const { return exists && (state_desc == "RESTORING" || is_in_standby); }
  std::string describe() const;
};
std::string database_state_sql(const std::string& database);
DatabaseState read_database_state(Instance& instance, const std::string& database);

// msdb log-shipping configuration of a secondary database (reference section 4).
struct LogShippingSecondary {
  bool configured = false;
  std::string secondary_id, primary_server, primary_database, backup_source_directory,
      backup_destination_directory, last_copied_file, last_copied_date, last_restored_file,
      last_restored_date, copy_job_id, restore_job_id;
  int restore_mode = 0;  // 0 NORECOVERY, 1 STANDBY
  bool disconnect_users = false;
  boost::json::object to_json() const;
};
std::string log_shipping_secondary_sql(const std::string& database);
LogShippingSecondary read_log_shipping_secondary(Instance& instance, const std::string& database);

// sys.database_mirroring for one database.
struct MirroringState {
  bool database_exists = false;
  bool mirrored = false;
  std::string role;   // PRINCIPAL / MIRROR (upper-cased)
  std::string state;  // SYNCHRONIZED, SUSPENDED, ...
  std::string partner_name;
  std::string partner_instance;
  boost::json::object to_json() const;
};
std::string mirroring_sql(const std::string& database);
MirroringState read_mirroring(Instance& instance, const std::string& database);

// Database users whose SID matches no server login (pitfall 7).
struct OrphanedUser {
  std::string name;
  std::string sid;
};
std::string orphaned_users_sql(const std::string& database);
std::vector<OrphanedUser> read_orphaned_users(Instance& instance, const std::string& database);

// True (1) when a row's text value is "1" (bit columns arrive as "0"/"1").
bool bit(const std::optional<std::string>& v);

}  // namespace drkit::sqlserver
