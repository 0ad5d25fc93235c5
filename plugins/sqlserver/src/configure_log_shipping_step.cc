// sqlserver.configure_log_shipping: sets up log shipping of a database from a primary to a
// secondary with the msdb procedures (reference section 4): primary database + backup job
// schedule, secondary primary + copy/restore job schedules, secondary database, then the
// primary's secondary entry; every job enabled. Monitor parameters are passed identically on
// both sides (dbatools#8058). Each part is skipped when it already exists.
#include <boost/json.hpp>

#include "component_support.hpp"
#include "log_backup_scan.hpp"
#include "queries.hpp"

namespace drkit::sqlserver {

namespace {

struct Config {
  InstanceConfig primary, secondary;
  std::string database, secondary_database;
  std::string primary_server, secondary_server;  // empty: @@SERVERNAME
  std::string backup_directory, backup_share, destination_directory;
  std::string backup_job_name, copy_job_name, restore_job_name;
  std::string monitor_server;
  std::int64_t retention_minutes = 4320, backup_threshold = 60, restore_threshold = 45, schedule_minutes = 15;
  bool standby = false, disconnect_users = false, initialize_secondary = false;
  std::string initialize_path;
};

class ConfigureLogShippingStep final : public Step {
 public:
  explicit ConfigureLogShippingStep(Config c) : c_(std::move(c)) {}

  std::string monitor_args() const {
    if (c_.monitor_server.empty()) return {};
    return fmt::format(", @monitor_server = {}, @monitor_server_security_mode = 1", quote_literal(c_.monitor_server));
  }
  std::string schedule_sql(const std::string& name, const std::string& var) const {
    return fmt::format(
        "EXEC msdb.dbo.sp_add_schedule @schedule_name = {}, @enabled = 1, @freq_type = 4, @freq_interval = 1,\n"
        "  @freq_subday_type = 4, @freq_subday_interval = {}, @schedule_id = {} OUTPUT;\n",
        quote_literal(name), c_.schedule_minutes, var);
  }
  std::string primary_sql() const {
    return fmt::format(
               "DECLARE @backup_job_id uniqueidentifier, @primary_id uniqueidentifier, @schedule_id int;\n"
               "EXEC master.dbo.sp_add_log_shipping_primary_database @database = {}, @backup_directory = {},\n"
               "  @backup_share = {}, @backup_job_name = {}, @backup_retention_period = {},\n"
               "  @backup_threshold = {}, @threshold_alert_enabled = 1, @history_retention_period = 5760{},\n"
               "  @backup_job_id = @backup_job_id OUTPUT, @primary_id = @primary_id OUTPUT;\n",
               quote_literal(c_.database), quote_literal(c_.backup_directory), quote_literal(c_.backup_share),
               quote_literal(c_.backup_job_name), c_.retention_minutes, c_.backup_threshold, monitor_args()) +
           schedule_sql("LSBackupSchedule_" + c_.database, "@schedule_id") +
           "EXEC msdb.dbo.sp_attach_schedule @job_id = @backup_job_id, @schedule_id = @schedule_id;\n"
           "EXEC msdb.dbo.sp_update_job @job_id = @backup_job_id, @enabled = 1;";
  }
  std::string secondary_sql(const std::string& primary_server) const {
    return fmt::format(
               "DECLARE @copy_job_id uniqueidentifier, @restore_job_id uniqueidentifier, @secondary_id uniqueidentifier,\n"
               "  @copy_schedule_id int, @restore_schedule_id int;\n"
               "EXEC master.dbo.sp_add_log_shipping_secondary_primary @primary_server = {}, @primary_database = {},\n"
               "  @backup_source_directory = {}, @backup_destination_directory = {},\n"
               "  @copy_job_name = {}, @restore_job_name = {}, @file_retention_period = {}{},\n"
               "  @copy_job_id = @copy_job_id OUTPUT, @restore_job_id = @restore_job_id OUTPUT,\n"
               "  @secondary_id = @secondary_id OUTPUT;\n",
               quote_literal(primary_server), quote_literal(c_.database), quote_literal(c_.backup_share),
               quote_literal(c_.destination_directory), quote_literal(c_.copy_job_name),
               quote_literal(c_.restore_job_name), c_.retention_minutes, monitor_args()) +
           schedule_sql("DefaultCopyJobSchedule_" + c_.secondary_database, "@copy_schedule_id") +
           "EXEC msdb.dbo.sp_attach_schedule @job_id = @copy_job_id, @schedule_id = @copy_schedule_id;\n" +
           schedule_sql("DefaultRestoreJobSchedule_" + c_.secondary_database, "@restore_schedule_id") +
           "EXEC msdb.dbo.sp_attach_schedule @job_id = @restore_job_id, @schedule_id = @restore_schedule_id;\n" +
           fmt::format(
               "EXEC master.dbo.sp_add_log_shipping_secondary_database @secondary_database = {},\n"
               "  @primary_server = {}, @primary_database = {}, @restore_delay = 0, @restore_mode = {},\n"
               "  @disconnect_users = {}, @restore_threshold = {}, @threshold_alert_enabled = 1,\n"
               "  @history_retention_period = 5760;\n",
               quote_literal(c_.secondary_database), quote_literal(primary_server), quote_literal(c_.database),
               c_.standby ? 1 : 0, c_.disconnect_users ? 1 : 0, c_.restore_threshold) +
           "EXEC msdb.dbo.sp_update_job @job_id = @copy_job_id, @enabled = 1;\n"
           "EXEC msdb.dbo.sp_update_job @job_id = @restore_job_id, @enabled = 1;";
  }
  std::string link_sql(const std::string& secondary_server) const {
    return fmt::format(
        "EXEC master.dbo.sp_add_log_shipping_primary_secondary @primary_database = {}, @secondary_server = {},\n"
        "  @secondary_database = {}, @overwrite = 1;",
        quote_literal(c_.database), quote_literal(secondary_server), quote_literal(c_.secondary_database));
  }
  std::string primary_state_sql(const std::string& secondary_server) const {
    return fmt::format(
        "SELECT p.primary_id,\n"
        "  (SELECT COUNT(*) FROM msdb.dbo.log_shipping_primary_secondaries s WHERE s.primary_id = p.primary_id\n"
        "     AND s.secondary_server = {} AND s.secondary_database = {}) AS linked\n"
        "FROM msdb.dbo.log_shipping_primary_databases p WHERE p.primary_database = {};",
        quote_literal(secondary_server), quote_literal(c_.secondary_database), quote_literal(c_.database));
  }
  std::string init_backup_sql() const {
    return fmt::format("BACKUP DATABASE {} TO DISK = {} WITH INIT, CHECKSUM;", quote_name(c_.database),
                       quote_literal(c_.initialize_path));
  }
  std::string init_restore_sql() const {
    return fmt::format("RESTORE DATABASE {} FROM DISK = {} WITH REPLACE, NORECOVERY;",
                       quote_name(c_.secondary_database), quote_literal(c_.initialize_path));
  }

  static std::string server_name(Instance& sql, const std::string& configured) {
    if (!configured.empty()) return configured;
    auto r = sql.execute("SELECT @@SERVERNAME AS name;");
    return r.result_sets.at(0).text(0, "name");
  }

  struct Status {
    bool primary = false, linked = false, secondary = false, secondary_restoring = false;
  };
  Status status(Instance& p, Instance& s, const std::string& secondary_server) {
    Status st;
    auto r = p.execute(primary_state_sql(secondary_server));
    if (!r.result_sets.empty() && !r.result_sets[0].rows.empty()) {
      st.primary = true;
      st.linked = r.result_sets[0].text(0, "linked") != "0";
    }
    st.secondary = read_log_shipping_secondary(s, c_.secondary_database).configured;
    st.secondary_restoring = read_database_state(s, c_.secondary_database).restoring();
    return st;
  }

  Plan plan(Context& ctx) override {
    std::string pname = c_.primary_server.empty() ? "<@@SERVERNAME of " + c_.primary.name + ">" : c_.primary_server;
    std::string sname = c_.secondary_server.empty() ? "<@@SERVERNAME of " + c_.secondary.name + ">" : c_.secondary_server;
    Status st;
    std::string note;
    try {
      Instance p(ctx, c_.primary);
      Instance s(ctx, c_.secondary);
      pname = server_name(p, c_.primary_server);
      sname = server_name(s, c_.secondary_server);
      st = status(p, s, sname);
    } catch (const StepError& e) {
      note = unreadable_note(e);
    }
    Plan plan;
    if (c_.initialize_secondary && !st.secondary_restoring) {
      plan.actions.push_back("-- on " + c_.primary.name + "\n" + init_backup_sql());
      plan.actions.push_back("-- on " + c_.secondary.name + "\n" + init_restore_sql());
    }
    if (!st.primary) plan.actions.push_back("-- on " + c_.primary.name + "\n" + primary_sql());
    if (!st.secondary) plan.actions.push_back("-- on " + c_.secondary.name + "\n" + secondary_sql(pname));
    if (!st.linked) plan.actions.push_back("-- on " + c_.primary.name + "\n" + link_sql(sname));
    plan.no_op = plan.actions.empty();
    plan.summary = plan.no_op ? fmt::format("log shipping of {} from {} to {} is already configured: nothing to do",
                                            c_.database, c_.primary.name, c_.secondary.name)
                              : fmt::format("configure log shipping of {} from {} ({}) to {} ({}){}", c_.database,
                                            c_.primary.name, pname, c_.secondary.name, sname, note);
    return plan;
  }

  boost::json::object run(Context& ctx) override {
    Instance p(ctx, c_.primary);
    Instance s(ctx, c_.secondary);
    std::string pname = server_name(p, c_.primary_server);
    std::string sname = server_name(s, c_.secondary_server);
    Status st = status(p, s, sname);
    boost::json::array done;
    if (c_.initialize_secondary && !st.secondary_restoring) {
      p.execute(init_backup_sql());
      s.execute(init_restore_sql());
      done.push_back("initialized secondary");
    }
    if (!st.secondary_restoring && !c_.initialize_secondary &&
        !read_database_state(s, c_.secondary_database).restoring())
      throw StepError(fmt::format("{}: {} must be RESTORING (restore a full backup WITH NORECOVERY first, or set "
                                  "initialize_secondary)",
                                  c_.secondary.name, c_.secondary_database),
                      Retryable::no, "sqlserver.not_restoring");
    if (!st.primary) {
      p.execute(primary_sql());
      done.push_back("primary");
    }
    if (!st.secondary) {
      s.execute(secondary_sql(pname));
      done.push_back("secondary");
    }
    if (!st.linked) {
      p.execute(link_sql(sname));
      done.push_back("primary secondary entry");
    }
    if (done.empty())
      ctx.log().info(fmt::format("log shipping of {} from {} to {} is already configured", c_.database, pname, sname));
    boost::json::object out;
    out["configured"] = done;
    out["primary_server"] = pname;
    out["secondary_server"] = sname;
    out["backup_job_name"] = c_.backup_job_name;
    out["copy_job_name"] = c_.copy_job_name;
    out["restore_job_name"] = c_.restore_job_name;
    return out;
  }

 private:
  Config c_;
};

}  // namespace

void register_configure_log_shipping(Registry& r) {
  auto text = [](const char* name, const char* description, bool required = false) {
    return ParamSpec{.name = name, .required = required, .description = description};
  };
  auto minutes = [](const char* name, std::int64_t def, const char* description) {
    return ParamSpec{.name = name, .type = ParamType::integer, .default_value = def, .description = description,
                     .minimum = 1};
  };
  r.add_step(
      {.name = "configure_log_shipping",
       .summary = "Set up log shipping of a database from a primary to a secondary (msdb procedures)",
       .effect = Effect::mutating,
       .params = {instance_param("primary", "The primary instance (database ONLINE, FULL recovery)."),
                  instance_param("secondary", "The secondary instance (database RESTORING)."),
                  database_param("The primary database."),
                  text("secondary_database", "The database on the secondary (default: the same name)"),
                  text("primary_server", "The primary's name as the secondary knows it (default @@SERVERNAME)"),
                  text("secondary_server", "The secondary's name as the primary knows it (default @@SERVERNAME)"),
                  text("backup_directory", "Where the backup job writes, as the primary sees it", true),
                  text("backup_share", "The same folder as a share the secondary reads (UNC)", true),
                  text("destination_directory", "The copy folder on the secondary", true),
                  text("backup_job_name", "Default LSBackup_<database>"),
                  text("copy_job_name", "Default LSCopy_<primary_server>_<database>"),
                  text("restore_job_name", "Default LSRestore_<primary_server>_<database>"),
                  text("monitor_server", "Monitor server, passed identically to both sides (default: none)"),
                  minutes("retention_minutes", 4320, "Backup and copied-file retention"),
                  minutes("backup_threshold", 60, "Minutes without a backup before an alert"),
                  minutes("restore_threshold", 45, "Minutes without a restore before an alert"),
                  minutes("schedule_minutes", 15, "Backup, copy and restore job interval"),
                  {.name = "restore_mode", .default_value = "NORECOVERY", .allowed = {"NORECOVERY", "STANDBY"},
                   .description = "How the restore job leaves the secondary"},
                  {.name = "disconnect_users", .type = ParamType::boolean, .default_value = false,
                   .description = "STANDBY: disconnect readers for each restore"},
                  {.name = "initialize_secondary", .type = ParamType::boolean, .default_value = false,
                   .description = "Back up the primary and restore it WITH NORECOVERY on the secondary first"},
                  text("initialize_path", "Full backup file for initialize_secondary (default <backup_share>/<db>_ls_init.bak)")},
       .description = "Re-runnable: parts that exist (primary row, secondary row, primary's secondary entry) are "
                      "skipped. Outputs: configured (parts added), primary_server, secondary_server, job names."},
      [](const Params& p) {
        Config c;
        c.primary = instance_config(p.resource("primary"));
        c.secondary = instance_config(p.resource("secondary"));
        c.database = name_param(p, "database");
        c.secondary_database = p.has("secondary_database") ? name_param(p, "secondary_database") : c.database;
        if (p.has("primary_server")) c.primary_server = name_param(p, "primary_server");
        if (p.has("secondary_server")) c.secondary_server = name_param(p, "secondary_server");
        c.backup_directory = path_param(p, "backup_directory");
        c.backup_share = path_param(p, "backup_share");
        c.destination_directory = path_param(p, "destination_directory");
        std::string pserver = c.primary_server.empty() ? c.primary.name : c.primary_server;
        c.backup_job_name = p.string_or("backup_job_name", "LSBackup_" + c.database);
        c.copy_job_name = p.string_or("copy_job_name", "LSCopy_" + pserver + "_" + c.database);
        c.restore_job_name = p.string_or("restore_job_name", "LSRestore_" + pserver + "_" + c.database);
        for (const auto* n : {&c.backup_job_name, &c.copy_job_name, &c.restore_job_name}) validate_name(*n, "job name");
        if (p.has("monitor_server")) c.monitor_server = name_param(p, "monitor_server");
        c.retention_minutes = p.integer("retention_minutes");
        c.backup_threshold = p.integer("backup_threshold");
        c.restore_threshold = p.integer("restore_threshold");
        c.schedule_minutes = p.integer("schedule_minutes");
        c.standby = p.string("restore_mode") == "STANDBY";
        c.disconnect_users = p.boolean("disconnect_users");
        c.initialize_secondary = p.boolean("initialize_secondary");
        c.initialize_path = p.has("initialize_path") ? path_param(p, "initialize_path")
                                                     : join_server_path(c.backup_share, c.database + "_ls_init.bak");
        return std::make_unique<ConfigureLogShippingStep>(std::move(c));
      });
}

}  // namespace drkit::sqlserver
