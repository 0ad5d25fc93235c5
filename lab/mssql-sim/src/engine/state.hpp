// The persisted state of one simulated instance: databases, logins, msdb tables, jobs, history.
// Everything here round-trips through JSON (Boost.Describe + Boost.JSON).
#pragma once

#include <boost/describe/class.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mssql_sim {

struct DbFile {
    int file_id = 1;
    std::string logical_name;
    std::string physical_name;
    int type = 0;  // 0 ROWS, 1 LOG
};
BOOST_DESCRIBE_STRUCT(DbFile, (), (file_id, logical_name, physical_name, type))

struct DbUser {
    std::string name;
    int principal_id = 0;
    std::string sid;   // hex, e.g. "0x01050000..."
    std::string type;  // S = SQL user, R = role, U = Windows user
    std::string default_schema;
};
BOOST_DESCRIBE_STRUCT(DbUser, (), (name, principal_id, sid, type, default_schema))

struct MirroringState {
    std::string role;             // "", PRINCIPAL, MIRROR
    std::string state;            // SYNCHRONIZED, SYNCHRONIZING, SUSPENDED, DISCONNECTED, PENDING_FAILOVER
    std::string partner_address;  // TCP://127.0.0.1:5022 (the partner's endpoint)
    std::string partner_instance; // the partner's instance name
    std::string guid;
    std::string safety = "FULL";
    std::int64_t failover_lsn = 0;
    int role_sequence = 0;
};
BOOST_DESCRIBE_STRUCT(MirroringState, (), (role, state, partner_address, partner_instance, guid, safety, failover_lsn, role_sequence))

struct Database {
    std::string name;
    int database_id = 0;
    bool system = false;
    std::string state_desc = "ONLINE";  // ONLINE, RESTORING, RECOVERING, RECOVERY_PENDING, SUSPECT, EMERGENCY, OFFLINE
    bool is_in_standby = false;
    std::string standby_file;
    std::string user_access_desc = "MULTI_USER";
    std::string recovery_model_desc = "FULL";
    bool is_read_only = false;
    bool is_broker_enabled = true;
    std::string service_broker_guid;
    std::int64_t create_date = 0;  // ms since epoch
    // Log sequence numbers (SQL Server's decimal form). end_lsn is the LSN of the next log record.
    std::int64_t end_lsn = 0;
    std::int64_t log_backup_lsn = 0;  // FirstLSN of the next log backup; 0 = no log chain yet
    std::int64_t db_backup_lsn = 0;   // CheckpointLSN of the last full backup (DatabaseBackupLSN)
    std::int64_t redo_start_lsn = 0;  // RESTORING: the LSN the next restore must contain
    std::string redo_start_fork_guid;
    std::string recovery_fork_guid;
    std::int64_t fork_point_lsn = 0;
    std::string family_guid;
    std::string restore_mode;  // RESTORING: "" (after a full) / NORECOVERY / STANDBY, to refuse mode switches
    std::vector<DbFile> files;
    std::vector<DbUser> users;
    MirroringState mirroring;
};
BOOST_DESCRIBE_STRUCT(Database, (),
                      (name, database_id, system, state_desc, is_in_standby, standby_file, user_access_desc,
                       recovery_model_desc, is_read_only, is_broker_enabled, service_broker_guid, create_date, end_lsn,
                       log_backup_lsn, db_backup_lsn, redo_start_lsn, redo_start_fork_guid, recovery_fork_guid,
                       fork_point_lsn, family_guid, restore_mode, files, users, mirroring))

struct Login {
    std::string name;
    int principal_id = 0;
    std::string sid;
    std::string type = "S";
    std::string password_salt;
    std::string password_hash;  // SHA-256 of salt + password, hex
    bool is_disabled = false;
    std::string default_database_name = "master";
    std::int64_t create_date = 0;
};
BOOST_DESCRIBE_STRUCT(Login, (), (name, principal_id, sid, type, password_salt, password_hash, is_disabled,
                                  default_database_name, create_date))

struct LsPrimaryDatabase {
    std::string primary_id;
    std::string primary_database;
    std::string backup_directory;
    std::string backup_share;
    int backup_retention_period = 4320;  // minutes
    int backup_compression = 2;
    std::string backup_job_id;
    std::string monitor_server;
    int monitor_server_security_mode = 1;
    bool user_specified_monitor = false;
    std::string last_backup_file;
    std::int64_t last_backup_date = 0;
    int backup_threshold = 60;
    int threshold_alert_enabled = 1;
    int history_retention_period = 5760;
};
BOOST_DESCRIBE_STRUCT(LsPrimaryDatabase, (),
                      (primary_id, primary_database, backup_directory, backup_share, backup_retention_period,
                       backup_compression, backup_job_id, monitor_server, monitor_server_security_mode,
                       user_specified_monitor, last_backup_file, last_backup_date, backup_threshold,
                       threshold_alert_enabled, history_retention_period))

struct LsPrimarySecondary {
    std::string primary_id;
    std::string secondary_server;
    std::string secondary_database;
};
BOOST_DESCRIBE_STRUCT(LsPrimarySecondary, (), (primary_id, secondary_server, secondary_database))

struct LsSecondary {
    std::string secondary_id;
    std::string primary_server;
    std::string primary_database;
    std::string backup_source_directory;
    std::string backup_destination_directory;
    int file_retention_period = 4320;
    std::string copy_job_id;
    std::string restore_job_id;
    std::string monitor_server;
    int monitor_server_security_mode = 1;
    bool user_specified_monitor = false;
    std::string last_copied_file;
    std::int64_t last_copied_date = 0;
};
BOOST_DESCRIBE_STRUCT(LsSecondary, (),
                      (secondary_id, primary_server, primary_database, backup_source_directory,
                       backup_destination_directory, file_retention_period, copy_job_id, restore_job_id,
                       monitor_server, monitor_server_security_mode, user_specified_monitor, last_copied_file,
                       last_copied_date))

struct LsSecondaryDatabase {
    std::string secondary_database;
    std::string secondary_id;
    int restore_delay = 0;
    bool restore_all = true;
    int restore_mode = 0;  // 0 NORECOVERY, 1 STANDBY
    bool disconnect_users = false;
    int block_size = -1;
    int buffer_count = -1;
    int max_transfer_size = -1;
    std::string last_restored_file;
    std::int64_t last_restored_date = 0;
    int restore_threshold = 45;
    int threshold_alert_enabled = 1;
    int history_retention_period = 5760;
};
BOOST_DESCRIBE_STRUCT(LsSecondaryDatabase, (),
                      (secondary_database, secondary_id, restore_delay, restore_all, restore_mode, disconnect_users,
                       block_size, buffer_count, max_transfer_size, last_restored_file, last_restored_date,
                       restore_threshold, threshold_alert_enabled, history_retention_period))

struct Job {
    std::string job_id;
    std::string name;
    bool enabled = true;
    std::string kind;    // LSBackup, LSCopy, LSRestore, other
    std::string target;  // primary_id (backup) or secondary_id (copy/restore)
    std::string description;
    std::string category;
    std::int64_t date_created = 0;
    std::int64_t date_modified = 0;
    int schedule_id = 0;  // 0 = no schedule attached
};
BOOST_DESCRIBE_STRUCT(Job, (), (job_id, name, enabled, kind, target, description, category, date_created, date_modified,
                                schedule_id))

struct Schedule {
    int schedule_id = 0;
    std::string schedule_uid;
    std::string name;
    bool enabled = true;
    int freq_type = 4;
    int freq_interval = 1;
    int freq_subday_type = 4;  // 1 once, 2 seconds, 4 minutes, 8 hours
    int freq_subday_interval = 15;
    std::int64_t next_run = 0;  // simulator clock, ms
};
BOOST_DESCRIBE_STRUCT(Schedule, (), (schedule_id, schedule_uid, name, enabled, freq_type, freq_interval,
                                     freq_subday_type, freq_subday_interval, next_run))

struct JobHistory {
    std::int64_t instance_id = 0;
    std::string job_id;
    int step_id = 0;  // 0 = job outcome
    std::string step_name;
    int sql_message_id = 0;
    int sql_severity = 0;
    std::string message;
    int run_status = 1;  // 0 failed, 1 succeeded, 2 retry, 3 canceled, 4 in progress
    std::int64_t run_start = 0;  // ms (run_date/run_time are derived)
    int run_duration = 0;        // seconds
};
BOOST_DESCRIBE_STRUCT(JobHistory, (), (instance_id, job_id, step_id, step_name, sql_message_id, sql_severity, message,
                                       run_status, run_start, run_duration))

struct JobActivity {
    std::string job_id;
    std::int64_t run_requested_date = 0;
    std::string run_requested_source;  // 1 scheduler, 4 user
    std::int64_t start_execution_date = 0;
    std::int64_t stop_execution_date = 0;
    std::int64_t job_history_id = 0;
    std::int64_t next_scheduled_run_date = 0;
};
BOOST_DESCRIBE_STRUCT(JobActivity, (), (job_id, run_requested_date, run_requested_source, start_execution_date,
                                        stop_execution_date, job_history_id, next_scheduled_run_date))

struct BackupSetRecord {
    std::int64_t backup_set_id = 0;
    std::string database_name;
    std::string type;  // D, L
    std::int64_t first_lsn = 0, last_lsn = 0, checkpoint_lsn = 0, database_backup_lsn = 0;
    std::int64_t backup_start_date = 0, backup_finish_date = 0;
    bool is_copy_only = false;
    std::int64_t backup_size = 0;
    std::string physical_device_name;
    std::string backup_set_uuid;
};
BOOST_DESCRIBE_STRUCT(BackupSetRecord, (), (backup_set_id, database_name, type, first_lsn, last_lsn, checkpoint_lsn,
                                            database_backup_lsn, backup_start_date, backup_finish_date, is_copy_only,
                                            backup_size, physical_device_name, backup_set_uuid))

struct RestoreRecord {
    std::int64_t restore_history_id = 0;
    std::int64_t restore_date = 0;
    std::string destination_database_name;
    std::string restore_type;  // D, L
    bool recovery = false;
    std::string physical_device_name;
    std::int64_t first_lsn = 0, last_lsn = 0;
    std::string backup_set_uuid;
};
BOOST_DESCRIBE_STRUCT(RestoreRecord, (), (restore_history_id, restore_date, destination_database_name, restore_type,
                                          recovery, physical_device_name, first_lsn, last_lsn, backup_set_uuid))

struct InstanceState {
    int format = 1;
    std::string name;
    std::string server_guid;
    int next_database_id = 5;
    int next_principal_id = 300;
    int next_schedule_id = 1;
    std::int64_t next_history_id = 1;
    std::int64_t next_backup_set_id = 1;
    std::int64_t clock_offset_ms = 0;  // simulator clock = wall clock + offset (control: clock advance)
    std::vector<Database> databases;
    std::vector<Login> logins;
    std::vector<LsPrimaryDatabase> ls_primary_databases;
    std::vector<LsPrimarySecondary> ls_primary_secondaries;
    std::vector<LsSecondary> ls_secondaries;
    std::vector<LsSecondaryDatabase> ls_secondary_databases;
    std::vector<Job> jobs;
    std::vector<Schedule> schedules;
    std::vector<JobHistory> job_history;
    std::vector<JobActivity> job_activity;
    std::vector<BackupSetRecord> backup_sets;
    std::vector<RestoreRecord> restores;
};
BOOST_DESCRIBE_STRUCT(InstanceState, (),
                      (format, name, server_guid, next_database_id, next_principal_id, next_schedule_id,
                       next_history_id, next_backup_set_id, clock_offset_ms, databases, logins, ls_primary_databases,
                       ls_primary_secondaries, ls_secondaries, ls_secondary_databases, jobs, schedules, job_history,
                       job_activity, backup_sets, restores))

}  // namespace mssql_sim
