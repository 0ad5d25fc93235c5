// Small helpers every sqlserver component uses: common parameters and plan text.
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>

#include "drkit/component.hpp"
#include "drkit/registry.hpp"
#include "instance.hpp"
#include "log_chain.hpp"
#include "tsql_quote.hpp"

namespace drkit::sqlserver {

inline ParamSpec database_param(std::string description = "The database name (as in sys.databases).") {
  return {.name = "database", .required = true, .description = std::move(description)};
}

// The validated `database` parameter (or another name-typed parameter).
inline std::string name_param(const Params& p, const char* key) {
  std::string v = p.string(key);
  validate_name(v, key);
  return v;
}

// A path that goes into a N'...' literal (device names are limited to 260 characters).
inline std::string path_param(const Params& p, const char* key) {
  std::string v = p.string(key);
  validate_literal(v, key, 260);
  if (v.empty()) throw ConfigError(fmt::format("{}: a path cannot be empty", key));
  return v;
}

// Used by plan(): state could not be read, so the plan describes every statement.
inline std::string unreadable_note(const std::exception& e) {
  return fmt::format(" (current state unknown: {})", e.what());
}

// Registration functions, one per component file.
void register_snapshot_log_shipping(Registry& r);
void register_run_log_shipping_jobs(Registry& r);
void register_remove_log_shipping_secondary(Registry& r);
void register_apply_log_backups(Registry& r);
void register_end_connections(Registry& r);
void register_recover_database(Registry& r);
void register_mirroring_steps(Registry& r);
void register_backup_database(Registry& r);
void register_restore_database(Registry& r);
void register_configure_log_shipping(Registry& r);
void register_repair_orphaned_users(Registry& r);
void register_execute(Registry& r);
void register_probes(Registry& r);

}  // namespace drkit::sqlserver
