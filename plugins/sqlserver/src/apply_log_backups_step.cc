// sqlserver.apply_log_backups: restores the pending log backups of a folder in LSN order
// (reference section 4 "Log chain algorithm"), WITH NORECOVERY or STANDBY, CHECKSUM, reading
// the redo point back after each file. Re-runnable: a second run finds everything applied.
#include <chrono>

#include <boost/json.hpp>

#include "chain_analysis.hpp"
#include "component_support.hpp"

namespace drkit::sqlserver {

namespace {

struct Config {
  InstanceConfig instance;
  std::string database;
  std::string source_database;  // the DatabaseName in the backups; usually the same
  ScanOptions scan;
  std::string mode;  // auto, NORECOVERY, STANDBY
  std::string standby_file;
  bool allow_data_loss = false;
};

class ApplyLogBackupsStep final : public Step {
 public:
  explicit ApplyLogBackupsStep(Config c) : c_(std::move(c)) {}

  // RESTORE LOG for one backup set, then the redo point it leaves (one round trip).
  std::string restore_sql(const BackupSetHeader& h, const std::string& mode) const {
    std::string with;
    if (h.position > 1) with += fmt::format("FILE = {}, ", h.position);
    with += mode == "STANDBY" ? "STANDBY = " + quote_literal(c_.standby_file) : std::string("NORECOVERY");
    // CHECKSUM fails (3187) on a backup taken without checksums: ask only when it has them.
    if (h.has_checksums) with += ", CHECKSUM";
    return fmt::format("RESTORE LOG {} FROM DISK = {} WITH {};", quote_name(c_.database), quote_literal(h.file), with);
  }

  std::string resolve_mode(const DatabaseState& st) const {
    std::string current = st.is_in_standby ? "STANDBY" : "NORECOVERY";
    if (c_.mode != "auto" && c_.mode != current)
      throw StepError(fmt::format("{}: {} is in {} mode but mode {} was asked; switching modes in the middle of a "
                                  "restore sequence is refused (pitfall 6): use mode auto or {}",
                                  c_.instance.name, c_.database, current, c_.mode, current),
                      Retryable::no, "sqlserver.mode_switch");
    if (current == "STANDBY" && c_.standby_file.empty())
      throw StepError(fmt::format("{}: {} is in STANDBY: set `standby_file` (the undo file path on the server)",
                                  c_.instance.name, c_.database),
                      Retryable::no, "sqlserver.standby_file");
    return current;
  }

  Plan plan(Context& ctx) override {
    try {
      Instance sql(ctx, c_.instance);
      ChainAnalysis a = analyze_log_chain(ctx, sql, c_.database, c_.scan, c_.source_database);
      std::string mode = resolve_mode(a.state);
      Plan p;
      p.summary = fmt::format("restore log backups to {} on {} ({}): {}", quote_name(c_.database), c_.instance.name,
                              mode, a.summary());
      if (a.blocked() && !c_.allow_data_loss) {
        p.summary += "; nothing will be applied because of the gap (set allow_data_loss to apply up to it)";
        return p;
      }
      for (const auto& h : a.plan.to_apply) p.actions.push_back(restore_sql(h, mode));
      p.no_op = a.plan.to_apply.empty();
      return p;
    } catch (const StepError& e) {
      BackupSetHeader example;
      example.file = join_server_path(c_.scan.folder, "<file>" + c_.scan.extension);
      example.has_checksums = true;
      return {fmt::format("restore the pending log backups in {} to {} on {} in LSN order{}", c_.scan.folder,
                          quote_name(c_.database), c_.instance.name, unreadable_note(e)),
              {c_.scan.local_folder ? "list " + *c_.scan.local_folder : dirtree_sql(c_.scan.folder),
               headeronly_sql(example.file), restore_sql(example, c_.mode == "STANDBY" ? "STANDBY" : "NORECOVERY")}};
    }
  }

  boost::json::object run(Context& ctx) override {
    auto started = std::chrono::steady_clock::now();
    Instance sql(ctx, c_.instance);
    double server_before = sql.connection().driver_seconds();
    ChainAnalysis a = analyze_log_chain(ctx, sql, c_.database, c_.scan, c_.source_database);
    std::string mode = resolve_mode(a.state);
    ctx.log().info(fmt::format("{}: {}", c_.instance.name, a.summary()));
    for (const auto& u : a.scan.unreadable)
      ctx.log().warn(fmt::format("{}: skipping {}: RESTORE HEADERONLY failed (incomplete or damaged?): {}",
                                 c_.instance.name, u.file, u.error));
    if (a.blocked() && !c_.allow_data_loss)
      throw StepError(fmt::format("{}: log chain of {} is broken: {}. Nothing was applied. Find the missing log "
                                  "backup, or set allow_data_loss to apply up to the gap and accept the loss",
                                  c_.instance.name, c_.database, a.summary()),
                      Retryable::no, "sqlserver.log_chain_gap");
    boost::json::array applied;
    Lsn redo = a.redo.redo_start_lsn;
    std::size_t total = a.plan.to_apply.size();
    ctx.progress(0, total, "files");
    for (std::size_t i = 0; i < total; ++i) {
      ctx.cancellation().throw_if_cancelled();
      const auto& h = a.plan.to_apply[i];
      try {
        auto r = sql.execute_raw(restore_sql(h, mode) + "\n" + redo_point_sql(c_.database));
        std::optional<Lsn> now;
        if (!r.result_sets.empty() && !r.result_sets.back().rows.empty())
          if (const auto& v = r.result_sets.back().at(0, "redo_lsn")) now = Lsn::parse(*v);
        if (!now) {
          // The batch ended without its redo row: a connection lost after the RESTORE ran can
          // look like this through FreeTDS. Ask again; a dead link fails here, retryably.
          if (auto rp = read_redo_point(sql, c_.database)) now = rp->redo_start_lsn;
        }
        if (!now || *now < h.last_lsn)
          throw StepError(fmt::format("{}: after restoring {} the redo point of {} is {}, expected {}",
                                      c_.instance.name, h.file, c_.database, now ? now->str() : "unknown",
                                      h.last_lsn.str()));
        redo = *now;
        applied.push_back(boost::json::value(h.file));
      } catch (const SqlError& e) {
        if (e.has_number(4326)) {
          // Already restored by someone else (the restore job) since we planned: skip it.
          ctx.log().warn(fmt::format("{}: {} was already applied (4326); continuing", c_.instance.name, h.file));
          if (auto rp = read_redo_point(sql, c_.database)) redo = rp->redo_start_lsn;
        } else if (e.has_number(4305)) {
          // A log backup we did not see broke the chain (pitfall 4: a non-copy-only backup elsewhere).
          throw StepError(fmt::format("{}: {} is too recent to apply (4305): the chain has a gap the headers did "
                                      "not show (a log backup taken elsewhere?): {}",
                                      c_.instance.name, h.file, e.what()),
                          Retryable::no, "sql.4305");
        } else {
          sql.fail(e, "RESTORE LOG " + h.file);
        }
      }
      ctx.progress(i + 1, total, "files");
      ctx.log().info(fmt::format("{}: restored {} ({} of {}), redo point {}", c_.instance.name, h.file, i + 1, total,
                                 redo.str()));
    }
    // How the time split: inside the driver waiting for the server, or drkit's own (bench/).
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    double server = sql.connection().driver_seconds() - server_before;
    ctx.log().debug(fmt::format("timing: wall {:.3f} s, waiting for the server {:.3f} s, drkit {:.3f} s", wall, server,
                                wall - server));
    boost::json::object out = a.to_json();
    out["applied"] = std::move(applied);
    out["applied_count"] = static_cast<std::int64_t>(out["applied"].as_array().size());
    out["last_lsn"] = redo.str();
    out["mode"] = mode;
    out["data_loss_accepted"] = a.blocked() && c_.allow_data_loss;
    return out;
  }

 private:
  Config c_;
};

}  // namespace

void register_apply_log_backups(Registry& r) {
  r.add_step(
      {.name = "apply_log_backups",
       .summary = "Restore pending log backups in LSN order (skips applied ones, stops at gaps)",
       .effect = Effect::mutating,
       .params =
           {instance_param("instance", "The instance holding the RESTORING (or STANDBY) database."),
            database_param(),
            {.name = "source_database",
             .description = "Database name recorded in the backups, when restoring under another name"},
            {.name = "folder", .required = true,
             .description = "Folder holding the log backups, as the SQL Server sees it (the copy folder)"},
            {.name = "local_folder",
             .description = "The same folder as drkit sees it: list it locally instead of with xp_dirtree"},
            {.name = "extension", .default_value = ".trn", .description = "Log backup file extension"},
            {.name = "mode", .default_value = "auto", .allowed = {"auto", "NORECOVERY", "STANDBY"},
             .description = "Restore mode; auto keeps the database's current one (switching is refused)"},
            {.name = "standby_file", .description = "Undo file for STANDBY restores, as the server sees it"},
            {.name = "allow_data_loss", .type = ParamType::boolean, .default_value = false,
             .description = "With a gap in the chain, apply up to the gap instead of applying nothing"}},
       .description =
           "Lists the folder (.wrk files of a copy in progress are ignored), reads RESTORE HEADERONLY of each "
           "candidate (files it cannot read are reported and skipped), plans by LSN against "
           "sys.master_files.redo_start_lsn and the recovery fork, and restores each backup WITH NORECOVERY "
           "(or STANDBY), CHECKSUM. Outputs: applied (files), applied_count, last_lsn, gap, fork_mismatch, "
           "expected_data_loss, unreadable (file, error and the server's number, class, state), ignored. Fails with code sqlserver.log_chain_gap before applying "
           "anything when the chain has a gap, unless allow_data_loss."},
      [](const Params& p) {
        Config c;
        c.instance = instance_config(p.resource("instance"));
        c.database = name_param(p, "database");
        c.source_database = p.has("source_database") ? name_param(p, "source_database") : c.database;
        c.scan.folder = path_param(p, "folder");
        if (p.has("local_folder")) c.scan.local_folder = p.string("local_folder");
        c.scan.extension = p.string("extension");
        c.mode = p.string("mode");
        if (p.has("standby_file")) c.standby_file = path_param(p, "standby_file");
        if (c.mode == "STANDBY" && c.standby_file.empty())
          throw ConfigError("mode STANDBY needs `standby_file` (the undo file path on the server)");
        c.allow_data_loss = p.boolean("allow_data_loss");
        return std::make_unique<ApplyLogBackupsStep>(std::move(c));
      });
}

}  // namespace drkit::sqlserver
