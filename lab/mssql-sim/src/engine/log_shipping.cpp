// msdb procedures: log shipping on both sides, and the SQL Agent job/schedule procedures.
#include "engine/agent.hpp"
#include "engine/executor.hpp"
#include "engine/instance.hpp"

#include <spdlog/spdlog.h>

#include <fmt/format.h>

namespace mssql_sim {

namespace {

Job& newJob(Instance& inst, const std::string& name, const std::string& kind, const std::string& target, const std::string& description) {
    for (const auto& j : inst.st.jobs)
        if (iequals(j.name, name))
            throw SqlError(14261, 16, 1, fmt::format("The specified @name ('{}') already exists.", name));
    Job j;
    j.job_id = Guid::random().toString();
    j.name = name;
    j.enabled = false;  // log-shipping procedures create their jobs disabled
    j.kind = kind;
    j.target = target;
    j.description = description;
    j.category = "Log Shipping";
    j.date_created = j.date_modified = inst.nowMs();
    inst.st.jobs.push_back(j);
    return inst.st.jobs.back();
}

Job* findJob(Instance& inst, ProcParams& p) {
    std::string id = p.str("@job_id"), name = p.str("@job_name");
    for (auto& j : inst.st.jobs)
        if ((!id.empty() && iequals(j.job_id, id)) || (!name.empty() && iequals(j.name, name))) return &j;
    if (!id.empty()) throw SqlError(14262, 16, 1, fmt::format("The specified @job_id ('{}') does not exist.", id));
    throw errors::jobNotFound(name);
}

Agent& agentOf(Executor& ex) {
    if (!ex.services().agent) throw errors::notSupported("SQL Server Agent here");
    return *ex.services().agent;
}


int addPrimaryDatabase(Executor& ex, std::vector<ProcArg>& args) {
    Instance& inst = ex.inst();
    ProcParams p("sp_add_log_shipping_primary_database",
                 {"@database", "@backup_directory", "@backup_share", "@backup_job_name", "@backup_retention_period",
                  "@monitor_server", "@monitor_server_security_mode", "@monitor_server_login", "@monitor_server_password",
                  "@backup_threshold", "@threshold_alert", "@threshold_alert_enabled", "@history_retention_period",
                  "@backup_job_id", "@primary_id", "@overwrite", "@ignoreremotemonitor", "@backup_compression",
                  "@primary_connection_options"},
                 args);
    std::string db = p.require("@database");
    Database& d = inst.requireDb(db);
    if (d.recovery_model_desc != "FULL")
        throw SqlError(32044, 16, 1, fmt::format("The database '{}' is not in the FULL or BULK_LOGGED recovery model.", db));
    for (auto& x : inst.st.ls_primary_databases) {
        if (!iequals(x.primary_database, db)) continue;
        if (p.num("@overwrite", 0) == 0)
            throw SqlError(32001, 16, 1, fmt::format("Log shipping is already configured for the primary database '{}'. Use @overwrite = 1 to replace it.", db));
        agentOf(ex).deleteJob(x.backup_job_id);
    }
    std::erase_if(inst.st.ls_primary_databases, [&](const LsPrimaryDatabase& x) { return iequals(x.primary_database, db); });
    LsPrimaryDatabase row;
    row.primary_id = Guid::random().toString();
    row.primary_database = d.name;
    row.backup_directory = p.require("@backup_directory");
    row.backup_share = p.require("@backup_share");
    row.backup_retention_period = static_cast<int>(p.num("@backup_retention_period", 4320));
    row.backup_compression = static_cast<int>(p.num("@backup_compression", 2));
    row.backup_threshold = static_cast<int>(p.num("@backup_threshold", 60));
    row.threshold_alert_enabled = static_cast<int>(p.num("@threshold_alert_enabled", 1));
    row.history_retention_period = static_cast<int>(p.num("@history_retention_period", 5760));
    row.monitor_server = p.str("@monitor_server");
    row.monitor_server_security_mode = static_cast<int>(p.num("@monitor_server_security_mode", 1));
    row.user_specified_monitor = p.has("@monitor_server");
    Job& job = newJob(inst, p.require("@backup_job_name"), "LSBackup", row.primary_id,
                      fmt::format("Log shipping backup job for database [{}].", d.name));
    row.backup_job_id = job.job_id;
    p.output("@backup_job_id", Value::optGuid(job.job_id));
    p.output("@primary_id", Value::optGuid(row.primary_id));
    inst.st.ls_primary_databases.push_back(row);
    inst.save();
    return 0;
}

LsPrimaryDatabase& primaryRow(Instance& inst, const std::string& db) {
    for (auto& x : inst.st.ls_primary_databases)
        if (iequals(x.primary_database, db)) return x;
    throw SqlError(32010, 16, 1, fmt::format("Database {} does not exist as log shipping primary.", db));
}

int addPrimarySecondary(Executor& ex, std::vector<ProcArg>& args) {
    Instance& inst = ex.inst();
    ProcParams p("sp_add_log_shipping_primary_secondary", {"@primary_database", "@secondary_server", "@secondary_database", "@overwrite"}, args);
    auto& row = primaryRow(inst, p.require("@primary_database"));
    std::string server = p.require("@secondary_server"), db = p.require("@secondary_database");
    std::erase_if(inst.st.ls_primary_secondaries, [&](const LsPrimarySecondary& x) {
        return x.primary_id == row.primary_id && iequals(x.secondary_server, server) && iequals(x.secondary_database, db);
    });
    inst.st.ls_primary_secondaries.push_back({row.primary_id, server, db});
    inst.save();
    return 0;
}

int deletePrimarySecondary(Executor& ex, std::vector<ProcArg>& args) {
    Instance& inst = ex.inst();
    ProcParams p("sp_delete_log_shipping_primary_secondary", {"@primary_database", "@secondary_server", "@secondary_database"}, args);
    auto& row = primaryRow(inst, p.require("@primary_database"));
    std::string server = p.require("@secondary_server"), db = p.require("@secondary_database");
    std::erase_if(inst.st.ls_primary_secondaries, [&](const LsPrimarySecondary& x) {
        return x.primary_id == row.primary_id && iequals(x.secondary_server, server) && iequals(x.secondary_database, db);
    });
    inst.save();
    return 0;
}

int deletePrimaryDatabase(Executor& ex, std::vector<ProcArg>& args) {
    Instance& inst = ex.inst();
    ProcParams p("sp_delete_log_shipping_primary_database", {"@database", "@ignoreremotemonitor"}, args);
    auto& row = primaryRow(inst, p.require("@database"));
    std::string id = row.primary_id, job = row.backup_job_id;
    agentOf(ex).deleteJob(job);
    std::erase_if(inst.st.ls_primary_secondaries, [&](const LsPrimarySecondary& x) { return x.primary_id == id; });
    std::erase_if(inst.st.ls_primary_databases, [&](const LsPrimaryDatabase& x) { return x.primary_id == id; });
    inst.save();
    return 0;
}

int addSecondaryPrimary(Executor& ex, std::vector<ProcArg>& args) {
    Instance& inst = ex.inst();
    ProcParams p("sp_add_log_shipping_secondary_primary",
                 {"@primary_server", "@primary_database", "@backup_source_directory", "@backup_destination_directory",
                  "@copy_job_name", "@restore_job_name", "@file_retention_period", "@monitor_server",
                  "@monitor_server_security_mode", "@monitor_server_login", "@monitor_server_password", "@copy_job_id",
                  "@restore_job_id", "@secondary_id", "@overwrite", "@ignoreremotemonitor"},
                 args);
    std::string server = p.require("@primary_server"), db = p.require("@primary_database");
    for (auto& x : inst.st.ls_secondaries) {
        if (!iequals(x.primary_server, server) || !iequals(x.primary_database, db)) continue;
        if (p.num("@overwrite", 0) == 0)
            throw SqlError(32001, 16, 1, fmt::format("Log shipping secondary information for primary database '{}' on '{}' already exists. Use @overwrite = 1 to replace it.", db, server));
        agentOf(ex).deleteJob(x.copy_job_id);
        agentOf(ex).deleteJob(x.restore_job_id);
    }
    std::erase_if(inst.st.ls_secondaries, [&](const LsSecondary& x) { return iequals(x.primary_server, server) && iequals(x.primary_database, db); });
    LsSecondary row;
    row.secondary_id = Guid::random().toString();
    row.primary_server = server;
    row.primary_database = db;
    row.backup_source_directory = p.require("@backup_source_directory");
    row.backup_destination_directory = p.require("@backup_destination_directory");
    row.file_retention_period = static_cast<int>(p.num("@file_retention_period", 4320));
    row.monitor_server = p.str("@monitor_server");
    row.monitor_server_security_mode = static_cast<int>(p.num("@monitor_server_security_mode", 1));
    row.user_specified_monitor = p.has("@monitor_server");
    Job& copy = newJob(inst, p.require("@copy_job_name"), "LSCopy", row.secondary_id, fmt::format("Log shipping copy job for {}.{}", server, db));
    row.copy_job_id = copy.job_id;
    Job& restore = newJob(inst, p.require("@restore_job_name"), "LSRestore", row.secondary_id, fmt::format("Log shipping restore job for {}.{}", server, db));
    row.restore_job_id = restore.job_id;
    p.output("@copy_job_id", Value::optGuid(row.copy_job_id));
    p.output("@restore_job_id", Value::optGuid(row.restore_job_id));
    p.output("@secondary_id", Value::optGuid(row.secondary_id));
    inst.st.ls_secondaries.push_back(row);
    inst.save();
    return 0;
}

int addSecondaryDatabase(Executor& ex, std::vector<ProcArg>& args) {
    Instance& inst = ex.inst();
    ProcParams p("sp_add_log_shipping_secondary_database",
                 {"@secondary_database", "@primary_server", "@primary_database", "@restore_delay", "@restore_all",
                  "@restore_mode", "@disconnect_users", "@block_size", "@buffer_count", "@max_transfer_size",
                  "@restore_threshold", "@threshold_alert", "@threshold_alert_enabled", "@history_retention_period",
                  "@overwrite", "@ignoreremotemonitor"},
                 args);
    std::string db = p.require("@secondary_database"), server = p.require("@primary_server"), pdb = p.require("@primary_database");
    inst.requireDb(db);
    LsSecondary* sec = nullptr;
    for (auto& x : inst.st.ls_secondaries)
        if (iequals(x.primary_server, server) && iequals(x.primary_database, pdb)) sec = &x;
    if (!sec)
        throw SqlError(32023, 16, 1, fmt::format("The primary server '{}' and primary database '{}' are not configured for log shipping on this secondary. Run sp_add_log_shipping_secondary_primary first.", server, pdb));
    for (const auto& x : inst.st.ls_secondary_databases)
        if (iequals(x.secondary_database, db) && p.num("@overwrite", 0) == 0)
            throw SqlError(32001, 16, 1, fmt::format("Log shipping is already configured for the secondary database '{}'. Use @overwrite = 1 to replace it.", db));
    std::erase_if(inst.st.ls_secondary_databases, [&](const LsSecondaryDatabase& x) { return iequals(x.secondary_database, db); });
    LsSecondaryDatabase row;
    row.secondary_database = inst.findDb(db)->name;
    row.secondary_id = sec->secondary_id;
    row.restore_delay = static_cast<int>(p.num("@restore_delay", 0));
    row.restore_all = p.num("@restore_all", 1) != 0;
    row.restore_mode = static_cast<int>(p.num("@restore_mode", 0));
    row.disconnect_users = p.num("@disconnect_users", 0) != 0;
    row.block_size = static_cast<int>(p.num("@block_size", -1));
    row.buffer_count = static_cast<int>(p.num("@buffer_count", -1));
    row.max_transfer_size = static_cast<int>(p.num("@max_transfer_size", -1));
    row.restore_threshold = static_cast<int>(p.num("@restore_threshold", 45));
    row.threshold_alert_enabled = static_cast<int>(p.num("@threshold_alert_enabled", 1));
    row.history_retention_period = static_cast<int>(p.num("@history_retention_period", 5760));
    inst.st.ls_secondary_databases.push_back(row);
    inst.save();
    return 0;
}

void dropSecondaryIfUnused(Executor& ex, const std::string& secondaryId) {
    Instance& inst = ex.inst();
    for (const auto& x : inst.st.ls_secondary_databases)
        if (x.secondary_id == secondaryId) return;
    for (const auto& x : inst.st.ls_secondaries) {
        if (x.secondary_id != secondaryId) continue;
        agentOf(ex).deleteJob(x.copy_job_id);
        agentOf(ex).deleteJob(x.restore_job_id);
    }
    std::erase_if(inst.st.ls_secondaries, [&](const LsSecondary& x) { return x.secondary_id == secondaryId; });
}

int deleteSecondaryDatabase(Executor& ex, std::vector<ProcArg>& args) {
    Instance& inst = ex.inst();
    ProcParams p("sp_delete_log_shipping_secondary_database", {"@secondary_database", "@ignoreremotemonitor"}, args);
    std::string db = p.require("@secondary_database");
    std::string secondaryId;
    for (const auto& x : inst.st.ls_secondary_databases)
        if (iequals(x.secondary_database, db)) secondaryId = x.secondary_id;
    if (secondaryId.empty())
        throw SqlError(32010, 16, 1, fmt::format("Database {} does not exist as log shipping secondary.", db));
    std::erase_if(inst.st.ls_secondary_databases, [&](const LsSecondaryDatabase& x) { return iequals(x.secondary_database, db); });
    // Removing the last secondary database of a primary also removes its copy and restore jobs.
    dropSecondaryIfUnused(ex, secondaryId);
    inst.save();
    spdlog::info("[{}] log shipping removed for secondary database [{}]", inst.st.name, db);
    return 0;
}

int deleteSecondaryPrimary(Executor& ex, std::vector<ProcArg>& args) {
    Instance& inst = ex.inst();
    ProcParams p("sp_delete_log_shipping_secondary_primary", {"@primary_server", "@primary_database"}, args);
    std::string server = p.require("@primary_server"), db = p.require("@primary_database");
    std::string id;
    for (const auto& x : inst.st.ls_secondaries)
        if (iequals(x.primary_server, server) && iequals(x.primary_database, db)) id = x.secondary_id;
    if (id.empty()) throw SqlError(32010, 16, 1, fmt::format("Database {} does not exist as log shipping primary on secondary.", db));
    std::erase_if(inst.st.ls_secondary_databases, [&](const LsSecondaryDatabase& x) { return x.secondary_id == id; });
    dropSecondaryIfUnused(ex, id);
    inst.save();
    return 0;
}

// ---- Agent ---------------------------------------------------------------------------------

int startJob(Executor& ex, std::vector<ProcArg>& args) {
    ProcParams p("sp_start_job", {"@job_name", "@job_id", "@error_flag", "@server_name", "@step_name", "@output_flag"}, args);
    Job* j = findJob(ex.inst(), p);
    agentOf(ex).startJob(*j, "USER");
    ex.sink().info(Message{14243, 1, 0, fmt::format("Job '{}' started successfully.", j->name), {}, 1});
    return 0;
}

int stopJob(Executor& ex, std::vector<ProcArg>& args) {
    ProcParams p("sp_stop_job", {"@job_name", "@job_id", "@originating_server", "@server_name"}, args);
    Job* j = findJob(ex.inst(), p);
    if (!agentOf(ex).isRunning(j->job_id))
        throw SqlError(22022, 16, 1, fmt::format("SQLServerAgent Error: Request to stop job {} (from User sa) refused because the job is not currently running.", j->name));
    ex.sink().info(Message{14244, 1, 0, fmt::format("Job '{}' stopped successfully.", j->name), {}, 1});
    return 0;
}

int updateJob(Executor& ex, std::vector<ProcArg>& args) {
    ProcParams p("sp_update_job", {"@job_id", "@job_name", "@new_name", "@enabled", "@description", "@start_step_id",
                                   "@category_name", "@owner_login_name", "@notify_level_eventlog"}, args);
    Job* j = findJob(ex.inst(), p);
    if (p.has("@enabled")) j->enabled = p.num("@enabled", 1) != 0;
    if (p.has("@new_name")) j->name = p.str("@new_name");
    if (p.has("@description")) j->description = p.str("@description");
    j->date_modified = ex.inst().nowMs();
    ex.inst().save();
    return 0;
}

int deleteJob(Executor& ex, std::vector<ProcArg>& args) {
    ProcParams p("sp_delete_job", {"@job_id", "@job_name", "@originating_server", "@delete_history", "@delete_unused_schedule"}, args);
    Job* j = findJob(ex.inst(), p);
    agentOf(ex).deleteJob(j->job_id);
    ex.inst().save();
    return 0;
}

int addSchedule(Executor& ex, std::vector<ProcArg>& args) {
    Instance& inst = ex.inst();
    ProcParams p("sp_add_schedule", {"@schedule_name", "@enabled", "@freq_type", "@freq_interval", "@freq_subday_type",
                                     "@freq_subday_interval", "@freq_relative_interval", "@freq_recurrence_factor",
                                     "@active_start_date", "@active_end_date", "@active_start_time", "@active_end_time",
                                     "@owner_login_name", "@schedule_uid", "@schedule_id", "@originating_server"}, args);
    Schedule s;
    s.schedule_id = inst.st.next_schedule_id++;
    s.schedule_uid = Guid::random().toString();
    s.name = p.require("@schedule_name");
    s.enabled = p.num("@enabled", 1) != 0;
    s.freq_type = static_cast<int>(p.num("@freq_type", 4));
    s.freq_interval = static_cast<int>(p.num("@freq_interval", 1));
    s.freq_subday_type = static_cast<int>(p.num("@freq_subday_type", 4));
    s.freq_subday_interval = static_cast<int>(p.num("@freq_subday_interval", 15));
    inst.st.schedules.push_back(s);
    p.output("@schedule_id", Value::integer(s.schedule_id));
    p.output("@schedule_uid", Value::optGuid(s.schedule_uid));
    inst.save();
    return 0;
}

int attachSchedule(Executor& ex, std::vector<ProcArg>& args) {
    Instance& inst = ex.inst();
    ProcParams p("sp_attach_schedule", {"@job_id", "@job_name", "@schedule_id", "@schedule_name", "@automatic_post"}, args);
    Job* j = findJob(inst, p);
    int id = static_cast<int>(p.num("@schedule_id", 0));
    std::string name = p.str("@schedule_name");
    for (const auto& s : inst.st.schedules) {
        if ((id && s.schedule_id == id) || (!name.empty() && iequals(s.name, name))) {
            j->schedule_id = s.schedule_id;
            inst.save();
            return 0;
        }
    }
    throw SqlError(14262, 16, 1, fmt::format("The specified @schedule_id ('{}') does not exist.", id ? std::to_string(id) : name));
}

int updateSchedule(Executor& ex, std::vector<ProcArg>& args) {
    Instance& inst = ex.inst();
    ProcParams p("sp_update_schedule", {"@schedule_id", "@name", "@new_name", "@enabled", "@freq_type", "@freq_interval",
                                        "@freq_subday_type", "@freq_subday_interval"}, args);
    int id = static_cast<int>(p.num("@schedule_id", 0));
    std::string name = p.str("@name");
    for (auto& s : inst.st.schedules) {
        if (!((id && s.schedule_id == id) || (!name.empty() && iequals(s.name, name)))) continue;
        if (p.has("@enabled")) s.enabled = p.num("@enabled", 1) != 0;
        if (p.has("@freq_subday_type")) s.freq_subday_type = static_cast<int>(p.num("@freq_subday_type", 4));
        if (p.has("@freq_subday_interval")) s.freq_subday_interval = static_cast<int>(p.num("@freq_subday_interval", 15));
        if (p.has("@new_name")) s.name = p.str("@new_name");
        s.next_run = 0;
        inst.save();
        return 0;
    }
    throw SqlError(14262, 16, 1, fmt::format("The specified @schedule_id ('{}') does not exist.", id));
}

int helpJob(Executor& ex, std::vector<ProcArg>& args) {
    Instance& inst = ex.inst();
    ProcParams p("sp_help_job", {"@job_id", "@job_name", "@job_aspect", "@execution_status"}, args);
    std::string id = p.str("@job_id"), name = p.str("@job_name");
    ResultSet rs;
    rs.columns = {{"job_id", SqlType::guid(), true}, {"name", SqlType::nvarchar(128), true}, {"enabled", SqlType::tinyint(), true},
                  {"current_execution_status", SqlType::integer(), true}, {"last_run_outcome", SqlType::integer(), true},
                  {"last_run_date", SqlType::integer(), true}, {"last_run_time", SqlType::integer(), true}};
    bool any = false;
    for (const auto& j : inst.st.jobs) {
        if (!id.empty() && !iequals(j.job_id, id)) continue;
        if (!name.empty() && !iequals(j.name, name)) continue;
        any = true;
        int outcome = 5;
        std::int64_t when = 0;
        for (const auto& h : inst.st.job_history)
            if (h.job_id == j.job_id && h.step_id == 0) { outcome = h.run_status; when = h.run_start; }
        std::string ts = when ? DateTime{when}.toString() : "";
        auto dateInt = when ? std::stoll(ts.substr(0, 4) + ts.substr(5, 2) + ts.substr(8, 2)) : 0;
        auto timeInt = when ? std::stoll(ts.substr(11, 2) + ts.substr(14, 2) + ts.substr(17, 2)) : 0;
        rs.rows.push_back({Value::optGuid(j.job_id), Value::text(j.name, 128), Value::integer(j.enabled ? 1 : 0, SqlType::tinyint()),
                           Value::integer(agentOf(ex).isRunning(j.job_id) ? 1 : 4), Value::integer(outcome),
                           Value::integer(dateInt), Value::integer(timeInt)});
    }
    if (!any && (!id.empty() || !name.empty())) throw errors::jobNotFound(name.empty() ? id : name);
    ex.sink().resultSet(rs);
    return 0;
}

}  // namespace

bool runMsdbProcedure(Executor& ex, const std::string& name, std::vector<ProcArg>& args, int& status) {
    static const std::map<std::string, int (*)(Executor&, std::vector<ProcArg>&)> procs = {
        {"sp_add_log_shipping_primary_database", addPrimaryDatabase},
        {"sp_add_log_shipping_primary_secondary", addPrimarySecondary},
        {"sp_delete_log_shipping_primary_secondary", deletePrimarySecondary},
        {"sp_delete_log_shipping_primary_database", deletePrimaryDatabase},
        {"sp_add_log_shipping_secondary_primary", addSecondaryPrimary},
        {"sp_add_log_shipping_secondary_database", addSecondaryDatabase},
        {"sp_delete_log_shipping_secondary_database", deleteSecondaryDatabase},
        {"sp_delete_log_shipping_secondary_primary", deleteSecondaryPrimary},
        {"sp_start_job", startJob},
        {"sp_stop_job", stopJob},
        {"sp_update_job", updateJob},
        {"sp_delete_job", deleteJob},
        {"sp_add_schedule", addSchedule},
        {"sp_attach_schedule", attachSchedule},
        {"sp_update_schedule", updateSchedule},
        {"sp_help_job", helpJob},
    };
    auto it = procs.find(name);
    if (it == procs.end()) return false;
    status = it->second(ex, args);
    return true;
}

}  // namespace mssql_sim
