// sqlserver.snapshot_log_shipping: saves the secondary's log-shipping rows and redo point as
// step outputs BEFORE anything removes them (pitfall 1: the removal deletes msdb history).
#include <boost/json.hpp>

#include "component_support.hpp"
#include "queries.hpp"

namespace drkit::sqlserver {

namespace {

class SnapshotLogShippingStep final : public Step {
 public:
  explicit SnapshotLogShippingStep(const Params& p)
      : instance_(instance_config(p.resource("instance"))), database_(name_param(p, "database")) {}

  Plan plan(Context&) override {
    return {fmt::format("read the log-shipping configuration and redo point of {} on {}",
                        quote_name(database_), instance_.name),
            {log_shipping_secondary_sql(database_), database_state_sql(database_)}};
  }

  boost::json::object run(Context& ctx) override {
    Instance sql(ctx, instance_);
    LogShippingSecondary ls = read_log_shipping_secondary(sql, database_);
    DatabaseState st = read_database_state(sql, database_);
    boost::json::object out = ls.to_json();
    out["database"] = database_;
    out["database_exists"] = st.exists;
    out["state_desc"] = st.state_desc;
    out["is_in_standby"] = st.is_in_standby;
    out["user_access_desc"] = st.user_access_desc;
    out["redo_start_lsn"] = st.redo_start_lsn ? boost::json::value(st.redo_start_lsn->str()) : nullptr;
    out["redo_start_fork_guid"] = st.redo_start_fork_guid;
    ctx.log().info(fmt::format("{}: {} is {}; log shipping {}", instance_.name, database_, st.describe(),
                               ls.configured ? "configured from " + ls.primary_server : "not configured"));
    return out;
  }

 private:
  InstanceConfig instance_;
  std::string database_;
};

}  // namespace

void register_snapshot_log_shipping(Registry& r) {
  r.add_step({.name = "snapshot_log_shipping",
              .summary = "Save a secondary's log-shipping configuration and redo point as outputs",
              .effect = Effect::read_only,
              .params = {instance_param("instance", "The log-shipping secondary instance."), database_param()},
              .description =
                  "Reads msdb.dbo.log_shipping_secondary(_databases) and sys.databases/sys.master_files. "
                  "Outputs: configured, primary_server, primary_database, backup_source_directory, "
                  "backup_destination_directory, last_copied_file, last_restored_file, restore_mode, "
                  "state_desc, is_in_standby, redo_start_lsn (string: DECIMAL(25,0)), redo_start_fork_guid. "
                  "Run it before remove_log_shipping_secondary."},
             [](const Params& p) { return std::make_unique<SnapshotLogShippingStep>(p); });
}

}  // namespace drkit::sqlserver
