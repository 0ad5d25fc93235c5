// sqlserver.restore_database: RESTORE DATABASE ... FROM DISK WITH REPLACE, RECOVERY or
// NORECOVERY, MOVE. A no-op when the database already comes from that backup: RESTORING at or
// past its LSN on the same fork (NORECOVERY), or ONLINE with the backup's family and a later
// full restore in msdb.dbo.restorehistory (RECOVERY).
#include <boost/json.hpp>

#include "component_support.hpp"
#include "log_backup_scan.hpp"
#include "log_chain.hpp"
#include "queries.hpp"

namespace drkit::sqlserver {

namespace {

struct FullHeader {
  std::string family_guid, recovery_fork_id, finish_date;
  Lsn last_lsn;
};

class RestoreDatabaseStep final : public Step {
 public:
  explicit RestoreDatabaseStep(const Params& p)
      : instance_(instance_config(p.resource("instance"))),
        database_(name_param(p, "database")),
        path_(path_param(p, "path")),
        recovery_(p.boolean("recovery")),
        replace_(p.boolean("replace")) {
    if (p.has("move")) {
      for (const auto& [logical, physical] : p.object("move")) {
        validate_name(logical, "move (logical file name)");
        if (!physical.is_string()) throw ConfigError(fmt::format("move.{}: the physical path must be a string", std::string(logical)));
        validate_literal(physical.as_string(), "move (physical path)", 260);
        moves_.emplace_back(std::string(logical), std::string(physical.as_string()));
      }
    }
  }

  std::string restore_sql() const {
    std::string with = replace_ ? "REPLACE, " : "";
    with += recovery_ ? "RECOVERY" : "NORECOVERY";
    for (const auto& [logical, physical] : moves_)
      with += fmt::format(",\n  MOVE {} TO {}", quote_literal(logical), quote_literal(physical));
    return fmt::format("RESTORE DATABASE {} FROM DISK = {} WITH {};", quote_name(database_), quote_literal(path_), with);
  }
  std::string history_sql() const {
    return fmt::format(
        "SELECT TOP 1 rh.restore_date, rh.recovery, rs.family_guid\n"
        "FROM msdb.dbo.restorehistory rh\n"
        "LEFT JOIN sys.database_recovery_status rs ON rs.database_id = DB_ID({0})\n"
        "WHERE rh.destination_database_name = {0} AND rh.restore_type = N'D'\n"
        "ORDER BY rh.restore_history_id DESC;",
        quote_literal(database_));
  }

  FullHeader header(Instance& sql) {
    auto r = sql.execute(headeronly_sql(path_));
    if (r.result_sets.empty() || r.result_sets[0].rows.empty())
      throw StepError(fmt::format("{}: {} holds no backup set", instance_.name, path_));
    const auto& rs = r.result_sets[0];
    if (rs.text(0, "BackupType") != "1")
      throw StepError(fmt::format("{}: {} is not a full database backup (BackupType {})", instance_.name, path_,
                                  rs.text(0, "BackupType")));
    return {rs.text(0, "FamilyGUID"), rs.text(0, "RecoveryForkID"), rs.text(0, "BackupFinishDate"),
            Lsn::parse(rs.text(0, "LastLSN", "0")).value_or(Lsn())};
  }

  // Why nothing needs doing, or empty.
  std::string already_restored(Instance& sql, const FullHeader& h) {
    auto st = read_database_state(sql, database_);
    if (!st.exists) return {};
    if (!recovery_) {
      if (st.state_desc == "RESTORING" && st.redo_start_lsn && *st.redo_start_lsn >= h.last_lsn &&
          iequals(st.redo_start_fork_guid, h.recovery_fork_id))
        return fmt::format("{} is RESTORING from this backup (redo point {})", database_, st.redo_start_lsn->str());
      return {};
    }
    if (!st.recovered()) return {};
    auto r = sql.execute(history_sql());
    if (r.result_sets.empty() || r.result_sets[0].rows.empty()) return {};
    const auto& rs = r.result_sets[0];
    // Datetimes arrive as "YYYY-MM-DD hh:mm:ss.fff": text order is time order.
    if (iequals(rs.text(0, "family_guid"), h.family_guid) && bit(rs.at(0, "recovery")) &&
        rs.text(0, "restore_date") >= h.finish_date)
      return fmt::format("{} is ONLINE, restored from this backup at {}", database_, rs.text(0, "restore_date"));
    return {};
  }

  Plan plan(Context& ctx) override {
    try {
      Instance sql(ctx, instance_);
      auto h = header(sql);
      if (auto why = already_restored(sql, h); !why.empty())
        return {fmt::format("{} on {}: nothing to do", why, instance_.name), {headeronly_sql(path_)}, true};
    } catch (const StepError&) {
      // Plan the statement anyway.
    }
    return {fmt::format("restore {} on {} from {} ({})", database_, instance_.name, path_,
                        recovery_ ? "RECOVERY" : "NORECOVERY"),
            {headeronly_sql(path_), restore_sql()}};
  }

  boost::json::object run(Context& ctx) override {
    Instance sql(ctx, instance_);
    auto h = header(sql);
    boost::json::object out;
    out["path"] = path_;
    if (auto why = already_restored(sql, h); !why.empty()) {
      ctx.log().info(fmt::format("{}: {}: nothing to do", instance_.name, why));
      out["restored"] = false;
    } else {
      sql.execute(restore_sql());
      out["restored"] = true;
    }
    auto st = read_database_state(sql, database_);
    out["state_desc"] = st.state_desc;
    out["redo_start_lsn"] = st.redo_start_lsn ? boost::json::value(st.redo_start_lsn->str()) : nullptr;
    out["broker_enabled"] = st.broker_enabled;
    return out;
  }

 private:
  InstanceConfig instance_;
  std::string database_;
  std::string path_;
  bool recovery_;
  bool replace_;
  std::vector<std::pair<std::string, std::string>> moves_;
};

}  // namespace

void register_restore_database(Registry& r) {
  r.add_step({.name = "restore_database",
              .summary = "Restore a full backup (REPLACE, RECOVERY or NORECOVERY, MOVE)",
              .effect = Effect::mutating,
              .params = {instance_param(), database_param(),
                         {.name = "path", .required = true, .description = "Full backup file, as the server sees it"},
                         {.name = "recovery", .type = ParamType::boolean, .default_value = true,
                          .description = "true: RECOVERY (ready to use); false: NORECOVERY (logs can follow)"},
                         {.name = "replace", .type = ParamType::boolean, .default_value = true,
                          .description = "REPLACE: overwrite an existing database"},
                         {.name = "move", .type = ParamType::object,
                          .description = "Logical file name -> new physical path (MOVE ... TO ...)"}},
              .description = "Outputs: restored (false when the database already came from this backup), "
                             "state_desc, redo_start_lsn, broker_enabled."},
             [](const Params& p) { return std::make_unique<RestoreDatabaseStep>(p); });
}

}  // namespace drkit::sqlserver
