// drkit-sqlserver: SQL Server log shipping, restore, recovery and mirroring through ODBC.
#include "component_support.hpp"
#include "drkit/plugin.hpp"

namespace {

void register_sqlserver(drkit::Registry& r) {
  using namespace drkit::sqlserver;
  r.add_resource_type(instance_resource_spec());
  register_snapshot_log_shipping(r);
  register_run_log_shipping_jobs(r);
  register_remove_log_shipping_secondary(r);
  register_apply_log_backups(r);
  register_end_connections(r);
  register_recover_database(r);
  register_mirroring_steps(r);
  register_backup_database(r);
  register_restore_database(r);
  register_configure_log_shipping(r);
  register_repair_orphaned_users(r);
  register_execute(r);
  register_probes(r);
}

}  // namespace

DRKIT_PLUGIN("sqlserver", "0.1.0",
             "SQL Server through ODBC: log shipping removal and recovery, log restore in LSN order, "
             "backup/restore, mirroring, log-shipping set-up",
             register_sqlserver)
