#include "queries.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "tsql_quote.hpp"

namespace drkit::sqlserver {

bool bit(const std::optional<std::string>& v) { return v && (*v == "1" || *v == "true"); }

namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

}  // namespace

std::string DatabaseState::describe() const {
  if (!exists) return "does not exist";
  std::string s = state_desc + (is_in_standby ? " (STANDBY, read-only)" : "");
  if (redo_start_lsn) s += fmt::format(", redo_start_lsn {}", redo_start_lsn->str());
  return s;
}

std::string database_state_sql(const std::string& database) {
  return fmt::format(
      "SELECT d.state_desc, d.is_in_standby, d.user_access_desc, d.is_broker_enabled, "
      "f.redo_start_lsn, f.redo_start_fork_guid\n"
      "FROM sys.databases d JOIN sys.master_files f ON f.database_id = d.database_id AND f.file_id = 1\n"
      "WHERE d.name = {};",
      quote_literal(database));
}

DatabaseState read_database_state(Instance& instance, const std::string& database) {
  auto r = instance.execute(database_state_sql(database));
  DatabaseState s;
  if (r.result_sets.empty() || r.result_sets[0].rows.empty()) return s;
  const auto& rs = r.result_sets[0];
  s.exists = true;
  s.state_desc = rs.text(0, "state_desc");
  s.is_in_standby = bit(rs.at(0, "is_in_standby"));
  s.user_access_desc = rs.text(0, "user_access_desc");
  s.broker_enabled = bit(rs.at(0, "is_broker_enabled"));
  if (const auto& lsn = rs.at(0, "redo_start_lsn")) {
    s.redo_start_lsn = Lsn::parse(*lsn);
    if (!s.redo_start_lsn)
      throw StepError(fmt::format("{}: redo_start_lsn '{}' of {} is not a DECIMAL(25,0) LSN",
                                  instance.name(), *lsn, database));
  }
  s.redo_start_fork_guid = rs.text(0, "redo_start_fork_guid");
  return s;
}

boost::json::object LogShippingSecondary::to_json() const {
  boost::json::object o;
  o["configured"] = configured;
  if (!configured) return o;
  o["secondary_id"] = secondary_id;
  o["primary_server"] = primary_server;
  o["primary_database"] = primary_database;
  o["backup_source_directory"] = backup_source_directory;
  o["backup_destination_directory"] = backup_destination_directory;
  o["last_copied_file"] = last_copied_file;
  o["last_copied_date"] = last_copied_date;
  o["restore_mode"] = restore_mode == 1 ? "STANDBY" : "NORECOVERY";
  o["disconnect_users"] = disconnect_users;
  o["last_restored_file"] = last_restored_file;
  o["last_restored_date"] = last_restored_date;
  o["copy_job_id"] = copy_job_id;
  o["restore_job_id"] = restore_job_id;
  return o;
}

std::string log_shipping_secondary_sql(const std::string& database) {
  return fmt::format(
      "SELECT ls.secondary_id, ls.primary_server, ls.primary_database,\n"
      "       ls.backup_source_directory, ls.backup_destination_directory,\n"
      "       ls.last_copied_file, ls.last_copied_date, ls.copy_job_id, ls.restore_job_id,\n"
      "       lsd.restore_mode, lsd.disconnect_users, lsd.last_restored_file, lsd.last_restored_date\n"
      "FROM msdb.dbo.log_shipping_secondary ls\n"
      "JOIN msdb.dbo.log_shipping_secondary_databases lsd ON lsd.secondary_id = ls.secondary_id\n"
      "WHERE lsd.secondary_database = {};",
      quote_literal(database));
}

LogShippingSecondary read_log_shipping_secondary(Instance& instance, const std::string& database) {
  auto r = instance.execute(log_shipping_secondary_sql(database));
  LogShippingSecondary s;
  if (r.result_sets.empty() || r.result_sets[0].rows.empty()) return s;
  const auto& rs = r.result_sets[0];
  s.configured = true;
  s.secondary_id = rs.text(0, "secondary_id");
  s.primary_server = rs.text(0, "primary_server");
  s.primary_database = rs.text(0, "primary_database");
  s.backup_source_directory = rs.text(0, "backup_source_directory");
  s.backup_destination_directory = rs.text(0, "backup_destination_directory");
  s.last_copied_file = rs.text(0, "last_copied_file");
  s.last_copied_date = rs.text(0, "last_copied_date");
  s.copy_job_id = rs.text(0, "copy_job_id");
  s.restore_job_id = rs.text(0, "restore_job_id");
  s.restore_mode = bit(rs.at(0, "restore_mode")) ? 1 : 0;
  s.disconnect_users = bit(rs.at(0, "disconnect_users"));
  s.last_restored_file = rs.text(0, "last_restored_file");
  s.last_restored_date = rs.text(0, "last_restored_date");
  return s;
}

boost::json::object MirroringState::to_json() const {
  boost::json::object o;
  o["mirrored"] = mirrored;
  o["role"] = role;
  o["state"] = state;
  o["partner_name"] = partner_name;
  o["partner_instance"] = partner_instance;
  return o;
}

std::string mirroring_sql(const std::string& database) {
  return fmt::format(
      "SELECT d.name, m.mirroring_guid, m.mirroring_role_desc, m.mirroring_state_desc,\n"
      "       m.mirroring_partner_name, m.mirroring_partner_instance\n"
      "FROM sys.databases d LEFT JOIN sys.database_mirroring m ON m.database_id = d.database_id\n"
      "WHERE d.name = {};",
      quote_literal(database));
}

MirroringState read_mirroring(Instance& instance, const std::string& database) {
  auto r = instance.execute(mirroring_sql(database));
  MirroringState m;
  if (r.result_sets.empty() || r.result_sets[0].rows.empty()) return m;
  const auto& rs = r.result_sets[0];
  m.database_exists = true;
  m.mirrored = rs.at(0, "mirroring_guid").has_value();
  // The docs show mixed case for role names: compare upper-cased.
  m.role = upper(rs.text(0, "mirroring_role_desc"));
  m.state = upper(rs.text(0, "mirroring_state_desc"));
  m.partner_name = rs.text(0, "mirroring_partner_name");
  m.partner_instance = rs.text(0, "mirroring_partner_instance");
  return m;
}

std::string orphaned_users_sql(const std::string& database) {
  // principal_id > 4 leaves out dbo, guest, INFORMATION_SCHEMA and sys; roles have type R.
  return fmt::format(
      "SELECT dp.name, dp.sid\n"
      "FROM {}.sys.database_principals dp\n"
      "LEFT JOIN sys.server_principals sp ON sp.sid = dp.sid\n"
      "WHERE dp.type IN (N'S', N'U') AND dp.principal_id > 4 AND dp.sid IS NOT NULL\n"
      "  AND dp.authentication_type = 1 AND sp.sid IS NULL\n"
      "ORDER BY dp.name;",
      quote_name(database));
}

std::vector<OrphanedUser> read_orphaned_users(Instance& instance, const std::string& database) {
  auto r = instance.execute(orphaned_users_sql(database));
  std::vector<OrphanedUser> out;
  if (r.result_sets.empty()) return out;
  const auto& rs = r.result_sets[0];
  for (std::size_t i = 0; i < rs.rows.size(); ++i) out.push_back({rs.text(i, "name"), rs.text(i, "sid")});
  return out;
}

}  // namespace drkit::sqlserver
