// System views (sys.*) and msdb tables, built on demand from the instance state.
#include "engine/eval.hpp"
#include "engine/instance.hpp"

#include <ctime>
#include <functional>
#include <map>

#include <fmt/format.h>

namespace mssql_sim {

namespace {

using V = Value;
const SqlType kSysname = SqlType::nvarchar(128);
const SqlType kDesc = SqlType::nvarchar(60);
const SqlType kPath = SqlType::nvarchar(500);

struct Builder {
    ResultSet rs;
    Builder& col(const char* name, SqlType t) {
        rs.columns.push_back({name, t, true});
        return *this;
    }
    void add(Row r) {
        // Give NULL values the column type, so the result describes itself consistently.
        for (std::size_t i = 0; i < r.size() && i < rs.columns.size(); ++i)
            if (r[i].isNull()) r[i].type = rs.columns[i].type;
        rs.rows.push_back(std::move(r));
    }
};

V s(const std::string& v, const SqlType& t = kSysname) { return Value{t, v}; }
V sOrNull(const std::string& v, const SqlType& t = kSysname) { return v.empty() ? Value::null(t) : Value{t, v}; }
V i32(std::int64_t v) { return Value::integer(v); }
V i16(std::int64_t v) { return Value::integer(v, SqlType::smallint()); }
V i8(std::int64_t v) { return Value::integer(v, SqlType::tinyint()); }
V bit(bool b) { return Value::boolean(b); }
V dt(std::int64_t ms) { return Value::optDatetime(ms); }
V sid(const std::string& hex) {
    if (hex.empty()) return Value::null(SqlType::varbinary(85));
    Bytes b;
    std::string h = hex.rfind("0x", 0) == 0 ? hex.substr(2) : hex;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) b.push_back(static_cast<std::uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
    return Value{SqlType::varbinary(85), b};
}

int stateCode(const std::string& d) {
    static const std::map<std::string, int> m = {{"ONLINE", 0}, {"RESTORING", 1}, {"RECOVERING", 2}, {"RECOVERY_PENDING", 3},
                                                 {"SUSPECT", 4}, {"EMERGENCY", 5}, {"OFFLINE", 6}};
    auto it = m.find(d);
    return it == m.end() ? 0 : it->second;
}

std::int64_t dateInt(std::int64_t ms) {
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}
std::int64_t timeInt(std::int64_t ms) {
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm.tm_hour * 10000 + tm.tm_min * 100 + tm.tm_sec;
}

ResultSet sysDatabases(Instance& inst) {
    Builder b;
    b.col("name", kSysname).col("database_id", SqlType::integer()).col("source_database_id", SqlType::integer())
        .col("owner_sid", SqlType::varbinary(85)).col("create_date", SqlType::datetime())
        .col("compatibility_level", SqlType::tinyint()).col("collation_name", kSysname)
        .col("user_access", SqlType::tinyint()).col("user_access_desc", kDesc).col("is_read_only", SqlType::bit())
        .col("is_auto_close_on", SqlType::bit()).col("is_auto_shrink_on", SqlType::bit()).col("state", SqlType::tinyint())
        .col("state_desc", kDesc).col("is_in_standby", SqlType::bit()).col("is_cleanly_shutdown", SqlType::bit())
        .col("recovery_model", SqlType::tinyint()).col("recovery_model_desc", kDesc)
        .col("page_verify_option_desc", kDesc).col("is_broker_enabled", SqlType::bit())
        .col("service_broker_guid", SqlType::guid()).col("log_reuse_wait_desc", kDesc)
        .col("is_encrypted", SqlType::bit()).col("is_published", SqlType::bit());
    for (const auto& d : inst.st.databases) {
        bool online = d.state_desc == "ONLINE";
        int ua = d.user_access_desc == "SINGLE_USER" ? 1 : d.user_access_desc == "RESTRICTED_USER" ? 2 : 0;
        int rm = d.recovery_model_desc == "FULL" ? 1 : d.recovery_model_desc == "BULK_LOGGED" ? 2 : 3;
        b.add({s(d.name), i32(d.database_id), V::null(), sid("0x01"), dt(d.create_date), i8(160),
               s("SQL_Latin1_General_CP1_CI_AS"), i8(ua), s(d.user_access_desc, kDesc),
               bit(d.is_read_only || d.is_in_standby), bit(false), bit(false), i8(stateCode(d.state_desc)),
               s(d.state_desc, kDesc), bit(d.is_in_standby), bit(!online), i8(rm), s(d.recovery_model_desc, kDesc),
               s("CHECKSUM", kDesc), bit(d.is_broker_enabled), V::optGuid(d.service_broker_guid),
               s(d.mirroring.role.empty() ? (d.log_backup_lsn ? "LOG_BACKUP" : "NOTHING") : "DATABASE_MIRRORING", kDesc),
               bit(false), bit(false)});
    }
    return b.rs;
}

ResultSet sysMasterFiles(Instance& inst, int onlyDb) {
    Builder b;
    b.col("database_id", SqlType::integer()).col("file_id", SqlType::integer()).col("file_guid", SqlType::guid())
        .col("type", SqlType::tinyint()).col("type_desc", kDesc).col("data_space_id", SqlType::integer())
        .col("name", kSysname).col("physical_name", SqlType::nvarchar(260)).col("state", SqlType::tinyint())
        .col("state_desc", kDesc).col("size", SqlType::integer()).col("max_size", SqlType::integer())
        .col("growth", SqlType::integer()).col("is_read_only", SqlType::bit()).col("is_percent_growth", SqlType::bit())
        .col("create_lsn", SqlType::decimal()).col("drop_lsn", SqlType::decimal()).col("read_only_lsn", SqlType::decimal())
        .col("read_write_lsn", SqlType::decimal()).col("differential_base_lsn", SqlType::decimal())
        .col("differential_base_guid", SqlType::guid()).col("differential_base_time", SqlType::datetime())
        .col("redo_start_lsn", SqlType::decimal()).col("redo_start_fork_guid", SqlType::guid())
        .col("redo_target_lsn", SqlType::decimal()).col("redo_target_fork_guid", SqlType::guid())
        .col("backup_lsn", SqlType::decimal());
    for (const auto& d : inst.st.databases) {
        if (onlyDb && d.database_id != onlyDb) continue;
        bool redo = d.state_desc == "RESTORING" || d.state_desc == "RECOVERY_PENDING";
        for (const auto& f : d.files) {
            b.add({i32(d.database_id), i32(f.file_id), V::null(), i8(f.type), s(f.type ? "LOG" : "ROWS", kDesc),
                   i32(f.type ? 0 : 1), s(f.logical_name), s(f.physical_name, SqlType::nvarchar(260)),
                   i8(stateCode(d.state_desc)), s(d.state_desc, kDesc), i32(f.type ? 1024 : 1024), i32(-1), i32(8192),
                   bit(false), bit(false), V::null(), V::null(), V::null(), V::null(), V::optLsn(d.db_backup_lsn),
                   V::null(), V::null(), redo ? V::optLsn(d.redo_start_lsn) : V::null(),
                   redo ? V::optGuid(d.redo_start_fork_guid) : V::null(), redo ? V::optLsn(d.redo_start_lsn) : V::null(),
                   redo ? V::optGuid(d.redo_start_fork_guid) : V::null(), V::optLsn(d.db_backup_lsn)});
        }
    }
    return b.rs;
}

ResultSet sysDatabaseMirroring(Instance& inst) {
    static const std::map<std::string, int> states = {{"SUSPENDED", 0}, {"DISCONNECTED", 1}, {"SYNCHRONIZING", 2},
                                                      {"PENDING_FAILOVER", 3}, {"SYNCHRONIZED", 4}, {"UNSYNCHRONIZED", 5}};
    Builder b;
    b.col("database_id", SqlType::integer()).col("mirroring_guid", SqlType::guid()).col("mirroring_state", SqlType::tinyint())
        .col("mirroring_state_desc", kDesc).col("mirroring_role", SqlType::tinyint()).col("mirroring_role_desc", kDesc)
        .col("mirroring_role_sequence", SqlType::integer()).col("mirroring_safety_level", SqlType::tinyint())
        .col("mirroring_safety_level_desc", kDesc).col("mirroring_safety_sequence", SqlType::integer())
        .col("mirroring_partner_name", kSysname).col("mirroring_partner_instance", kSysname)
        .col("mirroring_witness_name", kSysname).col("mirroring_witness_state", SqlType::tinyint())
        .col("mirroring_witness_state_desc", kDesc).col("mirroring_failover_lsn", SqlType::decimal())
        .col("mirroring_connection_timeout", SqlType::integer()).col("mirroring_redo_queue", SqlType::integer())
        .col("mirroring_redo_queue_type", kDesc).col("mirroring_end_of_log_lsn", SqlType::decimal())
        .col("mirroring_replication_lsn", SqlType::decimal());
    for (const auto& d : inst.st.databases) {
        const auto& m = d.mirroring;
        if (m.role.empty()) {
            Row r(21, V::null());
            r[0] = i32(d.database_id);
            b.add(std::move(r));
            continue;
        }
        auto st = states.count(m.state) ? states.at(m.state) : 1;
        b.add({i32(d.database_id), V::optGuid(m.guid), i8(st), s(m.state, kDesc), i8(m.role == "PRINCIPAL" ? 1 : 2),
               s(m.role, kDesc), i32(m.role_sequence), i8(m.safety == "FULL" ? 2 : 1), s(m.safety, kDesc), i32(1),
               s(m.partner_address), s(m.partner_instance), s(""), i8(0), s("UNKNOWN", kDesc), V::optLsn(m.failover_lsn),
               i32(10), V::null(), s("UNLIMITED", kDesc), V::optLsn(d.end_lsn), V::optLsn(d.end_lsn)});
    }
    return b.rs;
}

ResultSet sysSessions(Instance& inst) {
    Builder b;
    b.col("session_id", SqlType::smallint()).col("login_time", SqlType::datetime()).col("host_name", kSysname)
        .col("program_name", kSysname).col("host_process_id", SqlType::integer()).col("client_interface_name", SqlType::nvarchar(32))
        .col("login_name", kSysname).col("nt_user_name", kSysname).col("status", SqlType::nvarchar(30))
        .col("cpu_time", SqlType::integer()).col("memory_usage", SqlType::integer()).col("last_request_start_time", SqlType::datetime())
        .col("reads", SqlType::bigint()).col("writes", SqlType::bigint()).col("is_user_process", SqlType::bit())
        .col("database_id", SqlType::smallint()).col("authenticating_database_id", SqlType::integer())
        .col("open_transaction_count", SqlType::integer());
    for (const auto& [id, ss] : inst.sessions) {
        b.add({i16(id), dt(ss.loginTime), s(ss.host), s(ss.program), i32(0), s(ss.clientInterface, SqlType::nvarchar(32)),
               s(ss.login), V::null(), s(ss.status, SqlType::nvarchar(30)), i32(0), i32(2), dt(ss.lastRequestStart),
               Value::integer(0, SqlType::bigint()), Value::integer(0, SqlType::bigint()), bit(true), i16(ss.databaseId),
               i32(1), i32(0)});
    }
    return b.rs;
}

ResultSet serverPrincipals(Instance& inst, bool sqlLoginsOnly) {
    Builder b;
    b.col("name", kSysname).col("principal_id", SqlType::integer()).col("sid", SqlType::varbinary(85))
        .col("type", SqlType::nvarchar(1)).col("type_desc", kDesc).col("is_disabled", SqlType::bit())
        .col("create_date", SqlType::datetime()).col("modify_date", SqlType::datetime())
        .col("default_database_name", kSysname).col("default_language_name", kSysname);
    if (!sqlLoginsOnly) {
        b.add({s("public"), i32(2), sid("0x02"), s("R", SqlType::nvarchar(1)), s("SERVER_ROLE", kDesc), bit(false), dt(inst.st.logins[0].create_date), dt(inst.st.logins[0].create_date), V::null(), V::null()});
        b.add({s("sysadmin"), i32(3), sid("0x03"), s("R", SqlType::nvarchar(1)), s("SERVER_ROLE", kDesc), bit(false), dt(inst.st.logins[0].create_date), dt(inst.st.logins[0].create_date), V::null(), V::null()});
    }
    for (const auto& l : inst.st.logins)
        b.add({s(l.name), i32(l.principal_id), sid(l.sid), s(l.type, SqlType::nvarchar(1)), s("SQL_LOGIN", kDesc),
               bit(l.is_disabled), dt(l.create_date), dt(l.create_date), s(l.default_database_name), s("us_english")});
    return b.rs;
}

ResultSet databasePrincipals(Instance& inst, Database& d) {
    Builder b;
    b.col("name", kSysname).col("principal_id", SqlType::integer()).col("type", SqlType::nvarchar(1))
        .col("type_desc", kDesc).col("default_schema_name", kSysname).col("create_date", SqlType::datetime())
        .col("modify_date", SqlType::datetime()).col("owning_principal_id", SqlType::integer())
        .col("sid", SqlType::varbinary(85)).col("is_fixed_role", SqlType::bit())
        .col("authentication_type", SqlType::integer()).col("authentication_type_desc", kDesc);
    auto user = [&](const std::string& name, int id, const std::string& type, const std::string& sidHex, bool fixed, int auth) {
        std::string desc = type == "R" ? "DATABASE_ROLE" : type == "U" ? "WINDOWS_USER" : "SQL_USER";
        b.add({s(name), i32(id), s(type, SqlType::nvarchar(1)), s(desc, kDesc), type == "R" ? V::null() : s("dbo"),
               dt(d.create_date), dt(d.create_date), V::null(), sid(sidHex), bit(fixed), i32(auth),
               s(auth == 1 ? "INSTANCE" : "NONE", kDesc)});
    };
    user("public", 0, "R", "", false, 0);
    user("dbo", 1, "S", "0x01", false, 1);
    user("guest", 2, "S", "0x00", false, 0);
    user("INFORMATION_SCHEMA", 3, "S", "", false, 0);
    user("sys", 4, "S", "", false, 0);
    for (const auto& u : d.users) user(u.name, u.principal_id, u.type.empty() ? "S" : u.type, u.sid, false, u.sid.empty() ? 0 : 1);
    user("db_owner", 16384, "R", "0x01050000000000090400000000000000000000000000000000000000", true, 0);
    (void)inst;
    return b.rs;
}

ResultSet recoveryStatus(Instance& inst) {
    Builder b;
    b.col("database_id", SqlType::integer()).col("database_guid", SqlType::guid()).col("family_guid", SqlType::guid())
        .col("last_log_backup_lsn", SqlType::decimal()).col("recovery_fork_guid", SqlType::guid())
        .col("first_recovery_fork_guid", SqlType::guid()).col("fork_point_lsn", SqlType::decimal());
    for (const auto& d : inst.st.databases) {
        if (d.state_desc != "ONLINE") continue;
        b.add({i32(d.database_id), V::optGuid(d.family_guid), V::optGuid(d.family_guid), V::optLsn(d.log_backup_lsn),
               V::optGuid(d.recovery_fork_guid), V::optGuid(d.recovery_fork_guid), V::optLsn(d.fork_point_lsn)});
    }
    return b.rs;
}

// Simulator-only view: every database's log positions, so tests and the lab can measure data loss.
ResultSet simDatabases(Instance& inst) {
    Builder b;
    b.col("name", kSysname).col("database_id", SqlType::integer()).col("state_desc", kDesc)
        .col("is_in_standby", SqlType::bit()).col("last_lsn", SqlType::decimal()).col("log_backup_lsn", SqlType::decimal())
        .col("database_backup_lsn", SqlType::decimal()).col("redo_start_lsn", SqlType::decimal())
        .col("recovery_fork_guid", SqlType::guid()).col("mirroring_role_desc", kDesc).col("mirroring_state_desc", kDesc)
        .col("mirroring_partner_name", kSysname);
    for (const auto& d : inst.st.databases)
        b.add({s(d.name), i32(d.database_id), s(d.state_desc, kDesc), bit(d.is_in_standby), V::optLsn(d.end_lsn),
               V::optLsn(d.log_backup_lsn), V::optLsn(d.db_backup_lsn), V::optLsn(d.redo_start_lsn),
               V::optGuid(d.recovery_fork_guid), sOrNull(d.mirroring.role, kDesc), sOrNull(d.mirroring.state, kDesc),
               sOrNull(d.mirroring.partner_address)});
    return b.rs;
}

// ---- msdb ----------------------------------------------------------------------------------

ResultSet lsPrimaryDatabases(Instance& inst) {
    Builder b;
    b.col("primary_id", SqlType::guid()).col("primary_database", kSysname).col("backup_directory", kPath)
        .col("backup_share", kPath).col("backup_retention_period", SqlType::integer()).col("backup_compression", SqlType::tinyint())
        .col("backup_job_id", SqlType::guid()).col("monitor_server", kSysname).col("user_specified_monitor", SqlType::bit())
        .col("monitor_server_security_mode", SqlType::bit()).col("last_backup_file", kPath).col("last_backup_date", SqlType::datetime());
    for (const auto& p : inst.st.ls_primary_databases)
        b.add({V::optGuid(p.primary_id), s(p.primary_database), s(p.backup_directory, kPath), s(p.backup_share, kPath),
               i32(p.backup_retention_period), i8(p.backup_compression), V::optGuid(p.backup_job_id), sOrNull(p.monitor_server),
               bit(p.user_specified_monitor), bit(p.monitor_server_security_mode != 0), sOrNull(p.last_backup_file, kPath),
               dt(p.last_backup_date)});
    return b.rs;
}

ResultSet lsPrimarySecondaries(Instance& inst) {
    Builder b;
    b.col("primary_id", SqlType::guid()).col("secondary_server", kSysname).col("secondary_database", kSysname);
    for (const auto& p : inst.st.ls_primary_secondaries)
        b.add({V::optGuid(p.primary_id), s(p.secondary_server), s(p.secondary_database)});
    return b.rs;
}

ResultSet lsSecondary(Instance& inst) {
    Builder b;
    b.col("secondary_id", SqlType::guid()).col("primary_server", kSysname).col("primary_database", kSysname)
        .col("backup_source_directory", kPath).col("backup_destination_directory", kPath)
        .col("file_retention_period", SqlType::integer()).col("copy_job_id", SqlType::guid()).col("restore_job_id", SqlType::guid())
        .col("monitor_server", kSysname).col("monitor_server_security_mode", SqlType::bit())
        .col("user_specified_monitor", SqlType::bit()).col("last_copied_file", kPath).col("last_copied_date", SqlType::datetime());
    for (const auto& x : inst.st.ls_secondaries)
        b.add({V::optGuid(x.secondary_id), s(x.primary_server), s(x.primary_database), s(x.backup_source_directory, kPath),
               s(x.backup_destination_directory, kPath), i32(x.file_retention_period), V::optGuid(x.copy_job_id),
               V::optGuid(x.restore_job_id), sOrNull(x.monitor_server), bit(x.monitor_server_security_mode != 0),
               bit(x.user_specified_monitor), sOrNull(x.last_copied_file, kPath), dt(x.last_copied_date)});
    return b.rs;
}

ResultSet lsSecondaryDatabases(Instance& inst) {
    Builder b;
    b.col("secondary_database", kSysname).col("secondary_id", SqlType::guid()).col("restore_delay", SqlType::integer())
        .col("restore_all", SqlType::bit()).col("restore_mode", SqlType::bit()).col("disconnect_users", SqlType::bit())
        .col("block_size", SqlType::integer()).col("buffer_count", SqlType::integer()).col("max_transfer_size", SqlType::integer())
        .col("last_restored_file", kPath).col("last_restored_date", SqlType::datetime());
    for (const auto& x : inst.st.ls_secondary_databases)
        b.add({s(x.secondary_database), V::optGuid(x.secondary_id), i32(x.restore_delay), bit(x.restore_all),
               bit(x.restore_mode != 0), bit(x.disconnect_users), i32(x.block_size), i32(x.buffer_count),
               i32(x.max_transfer_size), sOrNull(x.last_restored_file, kPath), dt(x.last_restored_date)});
    return b.rs;
}

ResultSet lsMonitorSecondary(Instance& inst) {
    Builder b;
    b.col("secondary_server", kSysname).col("secondary_database", kSysname).col("secondary_id", SqlType::guid())
        .col("primary_server", kSysname).col("primary_database", kSysname).col("restore_threshold", SqlType::integer())
        .col("threshold_alert", SqlType::integer()).col("threshold_alert_enabled", SqlType::bit())
        .col("last_copied_file", kPath).col("last_copied_date", SqlType::datetime()).col("last_copied_date_utc", SqlType::datetime())
        .col("last_restored_file", kPath).col("last_restored_date", SqlType::datetime())
        .col("last_restored_date_utc", SqlType::datetime()).col("last_restored_latency", SqlType::integer())
        .col("history_retention_period", SqlType::integer());
    for (const auto& x : inst.st.ls_secondary_databases) {
        const LsSecondary* sec = nullptr;
        for (const auto& y : inst.st.ls_secondaries)
            if (y.secondary_id == x.secondary_id) sec = &y;
        if (!sec) continue;
        b.add({s(inst.st.name), s(x.secondary_database), V::optGuid(x.secondary_id), s(sec->primary_server),
               s(sec->primary_database), i32(x.restore_threshold), i32(14421), bit(x.threshold_alert_enabled != 0),
               sOrNull(sec->last_copied_file, kPath), dt(sec->last_copied_date), dt(sec->last_copied_date),
               sOrNull(x.last_restored_file, kPath), dt(x.last_restored_date), dt(x.last_restored_date), V::null(),
               i32(x.history_retention_period)});
    }
    return b.rs;
}

ResultSet lsMonitorPrimary(Instance& inst) {
    Builder b;
    b.col("primary_id", SqlType::guid()).col("primary_server", kSysname).col("primary_database", kSysname)
        .col("backup_threshold", SqlType::integer()).col("threshold_alert", SqlType::integer())
        .col("threshold_alert_enabled", SqlType::bit()).col("last_backup_file", kPath)
        .col("last_backup_date", SqlType::datetime()).col("last_backup_date_utc", SqlType::datetime())
        .col("history_retention_period", SqlType::integer());
    for (const auto& p : inst.st.ls_primary_databases)
        b.add({V::optGuid(p.primary_id), s(inst.st.name), s(p.primary_database), i32(p.backup_threshold), i32(14420),
               bit(p.threshold_alert_enabled != 0), sOrNull(p.last_backup_file, kPath), dt(p.last_backup_date),
               dt(p.last_backup_date), i32(p.history_retention_period)});
    return b.rs;
}

ResultSet sysJobs(Instance& inst) {
    Builder b;
    b.col("job_id", SqlType::guid()).col("originating_server_id", SqlType::integer()).col("name", kSysname)
        .col("enabled", SqlType::tinyint()).col("description", SqlType::nvarchar(512)).col("start_step_id", SqlType::integer())
        .col("category_id", SqlType::integer()).col("owner_sid", SqlType::varbinary(85)).col("date_created", SqlType::datetime())
        .col("date_modified", SqlType::datetime()).col("version_number", SqlType::integer());
    for (const auto& j : inst.st.jobs)
        b.add({V::optGuid(j.job_id), i32(0), s(j.name), i8(j.enabled ? 1 : 0), s(j.description, SqlType::nvarchar(512)), i32(1),
               i32(j.kind.rfind("LS", 0) == 0 ? 6 : 0), sid("0x01"), dt(j.date_created), dt(j.date_modified), i32(1)});
    return b.rs;
}

ResultSet sysJobHistory(Instance& inst) {
    Builder b;
    b.col("instance_id", SqlType::integer()).col("job_id", SqlType::guid()).col("step_id", SqlType::integer())
        .col("step_name", kSysname).col("sql_message_id", SqlType::integer()).col("sql_severity", SqlType::integer())
        .col("message", SqlType::nvarchar(4000)).col("run_status", SqlType::integer()).col("run_date", SqlType::integer())
        .col("run_time", SqlType::integer()).col("run_duration", SqlType::integer()).col("retries_attempted", SqlType::integer())
        .col("server", kSysname);
    for (const auto& h : inst.st.job_history)
        b.add({i32(h.instance_id), V::optGuid(h.job_id), i32(h.step_id), s(h.step_name), i32(h.sql_message_id),
               i32(h.sql_severity), s(h.message, SqlType::nvarchar(4000)), i32(h.run_status), i32(dateInt(h.run_start)),
               i32(timeInt(h.run_start)), i32((h.run_duration / 3600) * 10000 + (h.run_duration / 60 % 60) * 100 + h.run_duration % 60),
               i32(0), s(inst.st.name)});
    return b.rs;
}

ResultSet sysJobActivity(Instance& inst) {
    Builder b;
    b.col("session_id", SqlType::integer()).col("job_id", SqlType::guid()).col("run_requested_date", SqlType::datetime())
        .col("run_requested_source", kSysname).col("queued_date", SqlType::datetime())
        .col("start_execution_date", SqlType::datetime()).col("last_executed_step_id", SqlType::integer())
        .col("last_executed_step_date", SqlType::datetime()).col("stop_execution_date", SqlType::datetime())
        .col("job_history_id", SqlType::integer()).col("next_scheduled_run_date", SqlType::datetime());
    for (const auto& a : inst.st.job_activity)
        b.add({i32(1), V::optGuid(a.job_id), dt(a.run_requested_date), sOrNull(a.run_requested_source), V::null(),
               dt(a.start_execution_date), a.stop_execution_date ? i32(1) : V::null(), dt(a.stop_execution_date),
               dt(a.stop_execution_date), a.job_history_id ? i32(a.job_history_id) : V::null(), dt(a.next_scheduled_run_date)});
    return b.rs;
}

ResultSet sysSchedules(Instance& inst) {
    Builder b;
    b.col("schedule_id", SqlType::integer()).col("schedule_uid", SqlType::guid()).col("name", kSysname)
        .col("enabled", SqlType::integer()).col("freq_type", SqlType::integer()).col("freq_interval", SqlType::integer())
        .col("freq_subday_type", SqlType::integer()).col("freq_subday_interval", SqlType::integer());
    for (const auto& x : inst.st.schedules)
        b.add({i32(x.schedule_id), V::optGuid(x.schedule_uid), s(x.name), i32(x.enabled ? 1 : 0), i32(x.freq_type),
               i32(x.freq_interval), i32(x.freq_subday_type), i32(x.freq_subday_interval)});
    return b.rs;
}

ResultSet sysJobSchedules(Instance& inst) {
    Builder b;
    b.col("schedule_id", SqlType::integer()).col("job_id", SqlType::guid()).col("next_run_date", SqlType::integer())
        .col("next_run_time", SqlType::integer());
    for (const auto& j : inst.st.jobs) {
        if (!j.schedule_id) continue;
        std::int64_t next = 0;
        for (const auto& x : inst.st.schedules)
            if (x.schedule_id == j.schedule_id) next = x.next_run;
        b.add({i32(j.schedule_id), V::optGuid(j.job_id), i32(next ? dateInt(next) : 0), i32(next ? timeInt(next) : 0)});
    }
    return b.rs;
}

// One Agent session since the simulator started (dbatools filters sysjobactivity on the latest one).
ResultSet sysSessionsAgent(Instance& inst) {
    Builder b;
    b.col("session_id", SqlType::integer()).col("agent_start_date", SqlType::datetime());
    std::int64_t start = inst.st.databases.empty() ? inst.nowMs() : inst.st.databases[0].create_date;
    b.add({i32(1), dt(start)});
    return b.rs;
}

ResultSet backupSet(Instance& inst) {
    Builder b;
    b.col("backup_set_id", SqlType::integer()).col("backup_set_uuid", SqlType::guid()).col("media_set_id", SqlType::integer())
        .col("name", kSysname).col("database_name", kSysname).col("server_name", kSysname).col("type", SqlType::nvarchar(1))
        .col("first_lsn", SqlType::decimal()).col("last_lsn", SqlType::decimal()).col("checkpoint_lsn", SqlType::decimal())
        .col("database_backup_lsn", SqlType::decimal()).col("backup_start_date", SqlType::datetime())
        .col("backup_finish_date", SqlType::datetime()).col("is_copy_only", SqlType::bit())
        .col("backup_size", SqlType::decimal(20, 0)).col("recovery_model", kDesc);
    for (const auto& x : inst.st.backup_sets)
        b.add({i32(x.backup_set_id), V::optGuid(x.backup_set_uuid), i32(x.backup_set_id), V::null(), s(x.database_name),
               s(inst.st.name), s(x.type, SqlType::nvarchar(1)), V::lsn(x.first_lsn), V::lsn(x.last_lsn),
               V::optLsn(x.checkpoint_lsn), V::optLsn(x.database_backup_lsn), dt(x.backup_start_date),
               dt(x.backup_finish_date), bit(x.is_copy_only), Value{SqlType::decimal(20, 0), x.backup_size}, s("FULL", kDesc)});
    return b.rs;
}

ResultSet backupMediaFamily(Instance& inst) {
    Builder b;
    b.col("media_set_id", SqlType::integer()).col("family_sequence_number", SqlType::tinyint())
        .col("physical_device_name", SqlType::nvarchar(260)).col("device_type", SqlType::tinyint());
    for (const auto& x : inst.st.backup_sets)
        b.add({i32(x.backup_set_id), i8(1), s(x.physical_device_name, SqlType::nvarchar(260)), i8(2)});
    return b.rs;
}

ResultSet restoreHistory(Instance& inst) {
    Builder b;
    b.col("restore_history_id", SqlType::integer()).col("restore_date", SqlType::datetime())
        .col("destination_database_name", kSysname).col("user_name", kSysname).col("backup_set_id", SqlType::integer())
        .col("restore_type", SqlType::nvarchar(1)).col("replace", SqlType::bit()).col("recovery", SqlType::bit());
    for (const auto& x : inst.st.restores)
        b.add({i32(x.restore_history_id), dt(x.restore_date), s(x.destination_database_name), s("sa"), i32(0),
               s(x.restore_type, SqlType::nvarchar(1)), bit(false), bit(x.recovery)});
    return b.rs;
}

}  // namespace

ResultSet loadTable(ExecContext& ctx, const std::vector<std::string>& parts, const std::vector<Value>& args) {
    Instance& inst = ctx.inst;
    std::string full;
    for (std::size_t i = 0; i < parts.size(); ++i) full += (i ? "." : "") + parts[i];
    std::string name = lowerAscii(parts.back());
    std::string schema = parts.size() >= 2 ? lowerAscii(parts[parts.size() - 2]) : "";
    std::string dbName;
    Database* db = nullptr;
    if (parts.size() >= 3) {
        dbName = parts[0];
        db = inst.findDb(dbName);
        if (!db) throw errors::invalidObject(full);
    } else {
        db = inst.findDbById(ctx.session.databaseId);
    }
    (void)args;
    if (schema == "sys" || (schema.empty() && name.rfind("dm_", 0) == 0)) {
        if (name == "databases") return sysDatabases(inst);
        if (name == "master_files") return sysMasterFiles(inst, 0);
        if (name == "database_files") {
            if (db->state_desc == "RESTORING") throw errors::inMiddleOfRestore(db->name);
            return sysMasterFiles(inst, db->database_id);
        }
        if (name == "database_mirroring") return sysDatabaseMirroring(inst);
        if (name == "dm_exec_sessions") return sysSessions(inst);
        if (name == "server_principals") return serverPrincipals(inst, false);
        if (name == "sql_logins") return serverPrincipals(inst, true);
        if (name == "database_recovery_status") return recoveryStatus(inst);
        if (name == "database_principals") {
            if (db->state_desc == "RESTORING") throw errors::inMiddleOfRestore(db->name);
            return databasePrincipals(inst, *db);
        }
    }
    if (schema == "sim" && name == "databases") return simDatabases(inst);
    bool inMsdb = db && iequals(db->name, "msdb");
    if (inMsdb && (schema == "dbo" || schema.empty())) {
        static const std::map<std::string, ResultSet (*)(Instance&)> msdb = {
            {"log_shipping_primary_databases", lsPrimaryDatabases}, {"log_shipping_primary_secondaries", lsPrimarySecondaries},
            {"log_shipping_secondary", lsSecondary}, {"log_shipping_secondary_databases", lsSecondaryDatabases},
            {"log_shipping_monitor_secondary", lsMonitorSecondary}, {"log_shipping_monitor_primary", lsMonitorPrimary},
            {"sysjobs", sysJobs}, {"sysjobs_view", sysJobs}, {"sysjobhistory", sysJobHistory},
            {"sysjobactivity", sysJobActivity}, {"syssessions", sysSessionsAgent}, {"sysschedules", sysSchedules}, {"sysjobschedules", sysJobSchedules},
            {"backupset", backupSet}, {"backupmediafamily", backupMediaFamily}, {"restorehistory", restoreHistory}};
        auto it = msdb.find(name);
        if (it != msdb.end()) return it->second(inst);
    }
    throw errors::invalidObject(full);
}

}  // namespace mssql_sim
