// sqlserver.backup_database: a full backup WITH INIT, CHECKSUM (optionally COPY_ONLY).
// The backup set is named after the run and step ("drkit <run>/<step>"), so re-running the step
// in the same run (a resume after a crash) finds its own backup in the file and does nothing.
#include <boost/json.hpp>

#include "component_support.hpp"
#include "log_backup_scan.hpp"

namespace drkit::sqlserver {

namespace {

class BackupDatabaseStep final : public Step {
 public:
  explicit BackupDatabaseStep(const Params& p)
      : instance_(instance_config(p.resource("instance"))),
        database_(name_param(p, "database")),
        path_(path_param(p, "path")),
        copy_only_(p.boolean("copy_only")) {}

  static std::string set_name(const Context& ctx) {
    const auto& inv = ctx.invocation();
    if (inv.run_id.empty()) return {};
    return "drkit " + inv.run_id + "/" + inv.step_id;
  }

  std::string backup_sql(const std::string& name) const {
    std::string with = "INIT, CHECKSUM";
    if (copy_only_) with += ", COPY_ONLY";
    if (!name.empty()) with += ", NAME = " + quote_literal(name);
    return fmt::format("BACKUP DATABASE {} TO DISK = {} WITH {};", quote_name(database_), quote_literal(path_), with);
  }

  // The full backup of this database named `name` that the file holds, if any.
  std::optional<boost::json::object> existing(Instance& sql, const std::string& name) {
    if (name.empty()) return std::nullopt;
    BatchResult r;
    try {
      r = sql.execute_raw(headeronly_sql(path_));
    } catch (const SqlError& e) {
      if (e.link_failure() || e.timeout()) sql.fail(e, headeronly_sql(path_));
      return std::nullopt;  // no file yet, or not a backup: back up
    }
    if (r.result_sets.empty() || r.result_sets[0].rows.size() != 1) return std::nullopt;
    const auto& rs = r.result_sets[0];
    if (rs.text(0, "BackupName") != name || rs.text(0, "BackupType") != "1" ||
        !iequals(rs.text(0, "DatabaseName"), database_))
      return std::nullopt;
    return boost::json::object{{"path", path_},
                               {"size", std::stoll(rs.text(0, "BackupSize", "0"))},
                               {"first_lsn", rs.text(0, "FirstLSN")},
                               {"last_lsn", rs.text(0, "LastLSN")},
                               {"checkpoint_lsn", rs.text(0, "CheckpointLSN")},
                               {"backup_set_guid", rs.text(0, "BackupSetGUID")},
                               {"copy_only", rs.text(0, "IsCopyOnly") == "1"}};
  }

  Plan plan(Context& ctx) override {
    std::string name = set_name(ctx);
    return {fmt::format("full backup of {} on {} to {}{}", database_, instance_.name, path_,
                        copy_only_ ? " (COPY_ONLY)" : ""),
            {backup_sql(name), headeronly_sql(path_)}};
  }

  boost::json::object run(Context& ctx) override {
    Instance sql(ctx, instance_);
    std::string name = set_name(ctx);
    if (auto done = existing(sql, name)) {
      ctx.log().info(fmt::format("{}: {} already holds this run's backup of {}: nothing to do", instance_.name, path_,
                                 database_));
      (*done)["backed_up"] = false;
      return *done;
    }
    sql.execute(backup_sql(name));
    auto made = existing(sql, name);
    if (!made && name.empty()) {
      // Outside a run there is no set name to look for: read the single set INIT left.
      auto r = sql.execute(headeronly_sql(path_));
      const auto& rs = r.result_sets.at(0);
      made = boost::json::object{{"path", path_},
                                 {"size", std::stoll(rs.text(0, "BackupSize", "0"))},
                                 {"first_lsn", rs.text(0, "FirstLSN")},
                                 {"last_lsn", rs.text(0, "LastLSN")},
                                 {"checkpoint_lsn", rs.text(0, "CheckpointLSN")},
                                 {"backup_set_guid", rs.text(0, "BackupSetGUID")},
                                 {"copy_only", rs.text(0, "IsCopyOnly") == "1"}};
    }
    if (!made) throw StepError(fmt::format("{}: BACKUP succeeded but {} does not hold the backup", instance_.name, path_));
    (*made)["backed_up"] = true;
    return *made;
  }

 private:
  InstanceConfig instance_;
  std::string database_;
  std::string path_;
  bool copy_only_;
};

}  // namespace

void register_backup_database(Registry& r) {
  r.add_step({.name = "backup_database",
              .summary = "Full database backup WITH INIT, CHECKSUM (optionally COPY_ONLY)",
              .effect = Effect::mutating,
              .params = {instance_param(), database_param(),
                         {.name = "path", .required = true, .description = "Backup file, as the server sees it"},
                         {.name = "copy_only", .type = ParamType::boolean, .default_value = false,
                          .description = "COPY_ONLY: does not reset the differential base"}},
              .description = "INIT replaces the file. Outputs: path, size (bytes), first_lsn, last_lsn, "
                             "checkpoint_lsn, backup_set_guid, backed_up (false when this run's backup was "
                             "already there)."},
             [](const Params& p) { return std::make_unique<BackupDatabaseStep>(p); });
}

}  // namespace drkit::sqlserver
