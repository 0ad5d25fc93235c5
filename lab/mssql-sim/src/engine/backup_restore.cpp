// BACKUP DATABASE/LOG and RESTORE DATABASE/LOG/HEADERONLY/FILELISTONLY/VERIFYONLY/LABELONLY,
// following SQL Server's LSN rules and errors.
#include "engine/backup_file.hpp"
#include "engine/backup_ops.hpp"
#include "engine/executor.hpp"
#include "engine/instance.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <set>

#include <fmt/format.h>

namespace mssql_sim {

using sql::Stmt;

namespace {

struct Opts {
    std::map<std::string, std::string> values;  // upper-case name -> evaluated text ("" for flags)
    std::vector<std::pair<std::string, std::string>> moves;
    bool has(const std::string& n) const { return values.count(n) > 0; }
    std::string get(const std::string& n) const { auto it = values.find(n); return it == values.end() ? "" : it->second; }
};

// Options the simulator honours or that do not change its results; anything else (STOPAT,
// PARTIAL, DIFFERENTIAL, ...) is refused rather than silently ignored.
const std::set<std::string> kBackupOptions = {
    "INIT", "NOINIT", "FORMAT", "NOFORMAT", "SKIP", "NOSKIP", "CHECKSUM", "NO_CHECKSUM", "COPY_ONLY", "COMPRESSION",
    "NO_COMPRESSION", "NORECOVERY", "NAME", "DESCRIPTION", "STATS", "STOP_ON_ERROR", "REWIND", "NOREWIND", "UNLOAD",
    "NOUNLOAD", "MEDIANAME", "MEDIADESCRIPTION", "BUFFERCOUNT", "MAXTRANSFERSIZE", "BLOCKSIZE", "RETAINDAYS", "EXPIREDATE"};
const std::set<std::string> kRestoreOptions = {
    "RECOVERY", "NORECOVERY", "STANDBY", "REPLACE", "CHECKSUM", "NO_CHECKSUM", "MOVE", "FILE", "STATS", "STOP_ON_ERROR",
    "REWIND", "NOREWIND", "UNLOAD", "NOUNLOAD", "BUFFERCOUNT", "MAXTRANSFERSIZE", "BLOCKSIZE", "KEEP_REPLICATION",
    "KEEP_CDC", "RESTRICTED_USER", "ENABLE_BROKER", "NEW_BROKER", "ERROR_BROKER_CONVERSATIONS", "MEDIANAME"};

Opts options(Executor& ex, const Stmt& s, Scope& scope) {
    Opts o;
    const auto& allowed = s.k == Stmt::K::Backup ? kBackupOptions : kRestoreOptions;
    for (const auto& opt : s.options) {
        if (!allowed.count(opt.name))
            throw errors::notSupported(fmt::format("the {} option {}", s.k == Stmt::K::Backup ? "BACKUP" : "RESTORE", opt.name));
        if (opt.name == "MOVE") o.moves.emplace_back(ex.evalText(opt.value, scope), ex.evalText(opt.value2, scope));
        else o.values[opt.name] = opt.value ? ex.evalText(opt.value, scope) : "";
    }
    return o;
}

void processedMessages(Executor& ex, const std::string& verb, const std::string& what, const Database& d, std::int64_t bytes,
                       int fileNo, bool log, double seconds) {
    std::int64_t pages = std::max<std::int64_t>(2, bytes / 8192);
    if (!log) ex.info(4035, fmt::format("Processed {} pages for database '{}', file '{}' on file {}.", pages, d.name, d.files.empty() ? d.name : d.files[0].logical_name, fileNo));
    ex.info(4035, fmt::format("Processed {} pages for database '{}', file '{}' on file {}.", log ? pages : 2, d.name, d.files.size() > 1 ? d.files[1].logical_name : d.name + "_log", fileNo));
    double mb = static_cast<double>(bytes) / (1024.0 * 1024.0);
    seconds = std::max(seconds, 0.001);
    ex.info(3014, fmt::format("{} {} successfully processed {} pages in {:.3f} seconds ({:.3f} MB/sec).", verb, what, pages + 2, seconds, mb / seconds));
}

// Wraps an error with SQL Server's trailing "... is terminating abnormally." (3013).
[[noreturn]] void terminate(const SqlError& e, const std::string& what) {
    SqlError out(e.message());
    out.terminatingText = what;
    throw out;
}

}  // namespace

BackupOutcome backupDatabase(Instance& inst, Database& d, const std::string& path, bool isLog, const BackupOptions& o) {
    if (iequals(d.name, "tempdb"))
        throw SqlError(3147, 16, 1, "Backup and restore operations are not allowed on database tempdb.");
    if (d.state_desc == "RESTORING") throw errors::inMiddleOfRestore(d.name);
    if (d.state_desc != "ONLINE")
        throw SqlError(942, 14, 4, fmt::format("Database '{}' cannot be opened because it is offline.", d.name));
    BackupHeader h;
    h.BackupName = o.name;
    h.BackupDescription = o.description;
    h.BackupType = isLog ? 2 : 1;
    h.Compressed = o.compression;
    h.UserName = "sa";
    h.ServerName = inst.st.name;
    h.MachineName = inst.st.name;
    h.DatabaseName = d.name;
    h.DatabaseCreationDate = d.create_date;
    h.BackupStartDate = inst.nowMs();
    h.HasBackupChecksums = o.checksum;
    h.IsCopyOnly = o.copyOnly;
    h.RecoveryModel = d.recovery_model_desc;
    h.FamilyGUID = d.family_guid;
    h.BindingID = Guid::random().toString();
    h.BackupSetGUID = Guid::random().toString();
    h.files = d.files;
    h.users = d.users;
    h.brokerEnabled = d.is_broker_enabled;
    h.RecoveryForkID = d.recovery_fork_guid;
    h.FirstRecoveryForkID = d.recovery_fork_guid;
    h.ForkPointLSN = d.fork_point_lsn;
    std::uint64_t payload;
    if (isLog) {
        if (d.recovery_model_desc == "SIMPLE") throw errors::logBackupSimple();
        if (d.db_backup_lsn == 0 || d.log_backup_lsn == 0) throw errors::noCurrentBackup();
        if (d.is_in_standby || d.is_read_only) throw SqlError(3906, 16, 1, fmt::format("Failed to update database \"{}\" because the database is read-only.", d.name));
        h.FirstLSN = d.log_backup_lsn;
        h.LastLSN = d.end_lsn;
        h.DatabaseBackupLSN = d.db_backup_lsn;
        h.CheckpointLSN = d.db_backup_lsn;
        payload = static_cast<std::uint64_t>(std::max<std::int64_t>(1, h.LastLSN - h.FirstLSN)) * inst.cfg.logPayloadBytesPerRecord;
        payload = std::clamp<std::uint64_t>(payload, 4096, 256ULL * 1024 * 1024);
    } else {
        std::int64_t checkpoint = d.end_lsn;
        d.end_lsn += 1;  // the checkpoint record
        h.FirstLSN = checkpoint;
        h.CheckpointLSN = checkpoint;
        h.DatabaseBackupLSN = d.db_backup_lsn;
        h.LastLSN = d.end_lsn;
        h.BeginsLogChain = d.log_backup_lsn == 0;
        payload = inst.cfg.backupPayloadBytes;
    }
    h.DifferentialBaseLSN = d.db_backup_lsn;
    h.BackupFinishDate = inst.nowMs();
    BackupOutcome out;
    out.position = BackupFile::write(path, h, payload, o.init);
    out.header = h;
    out.bytes = static_cast<std::int64_t>(payload);
    // The backup writes its own log records: later backups always start at or after LastLSN.
    d.end_lsn = std::max(d.end_lsn, h.LastLSN) + 1;
    if (isLog) {
        if (!o.copyOnly) d.log_backup_lsn = h.LastLSN;
        if (o.norecovery) {
            // Tail-log backup WITH NORECOVERY leaves the database RESTORING.
            d.state_desc = "RESTORING";
            d.redo_start_lsn = h.LastLSN;
            d.redo_start_fork_guid = d.recovery_fork_guid;
            d.end_lsn = h.LastLSN;
            d.restore_mode = "NORECOVERY";
        }
    } else if (!o.copyOnly) {
        d.db_backup_lsn = h.CheckpointLSN;
        if (d.log_backup_lsn == 0 && d.recovery_model_desc != "SIMPLE") d.log_backup_lsn = h.FirstLSN;
    }
    BackupSetRecord rec;
    rec.backup_set_id = inst.st.next_backup_set_id++;
    rec.database_name = d.name;
    rec.type = isLog ? "L" : "D";
    rec.first_lsn = h.FirstLSN;
    rec.last_lsn = h.LastLSN;
    rec.checkpoint_lsn = h.CheckpointLSN;
    rec.database_backup_lsn = h.DatabaseBackupLSN;
    rec.backup_start_date = h.BackupStartDate;
    rec.backup_finish_date = h.BackupFinishDate;
    rec.is_copy_only = o.copyOnly;
    rec.backup_size = h.BackupSize;
    rec.physical_device_name = path;
    rec.backup_set_uuid = h.BackupSetGUID;
    inst.st.backup_sets.push_back(rec);
    inst.save();
    return out;
}

void runBackup(Executor& ex, const Stmt& s, Scope& scope) {
    Instance& inst = ex.inst();
    bool isLog = s.what == "LOG";
    std::string what = "BACKUP " + s.what;
    try {
        Database& d = inst.requireDb(ex.evalText(s.dbExpr, scope));
        if (s.devices.size() != 1) throw errors::notSupported("striped backups (more than one DISK)");
        Opts o = options(ex, s, scope);
        BackupOptions bo;
        bo.init = o.has("INIT") || o.has("FORMAT");
        bo.checksum = o.has("CHECKSUM") && !o.has("NO_CHECKSUM");
        bo.copyOnly = o.has("COPY_ONLY");
        bo.compression = o.has("COMPRESSION");
        bo.norecovery = o.has("NORECOVERY");
        bo.name = o.get("NAME");
        bo.description = o.get("DESCRIPTION");
        if (bo.norecovery && !isLog) throw errors::syntax("NORECOVERY");
        if (bo.norecovery && inst.countSessionsIn(d.database_id, ex.session().spid) > 0) throw errors::exclusiveAccess();
        auto started = std::chrono::steady_clock::now();
        auto out = backupDatabase(inst, d, ex.evalText(s.devices[0], scope), isLog, bo);
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        processedMessages(ex, "BACKUP", s.what, d, out.bytes, out.position, isLog, secs);
    } catch (const SqlError& e) {
        if (e.message().number == 911) throw;
        terminate(e, what);
    }
}

// ---- RESTORE ---------------------------------------------------------------------------------

namespace {

ResultSet headerOnly(const std::vector<BackupSetInfo>& sets) {
    ResultSet rs;
    auto c = [&](const char* n, SqlType t) { rs.columns.push_back({n, t, true}); };
    const SqlType nv128 = SqlType::nvarchar(128);
    c("BackupName", nv128); c("BackupDescription", SqlType::nvarchar(255)); c("BackupType", SqlType::smallint());
    c("ExpirationDate", SqlType::datetime()); c("Compressed", SqlType::bit()); c("Position", SqlType::smallint());
    c("DeviceType", SqlType::tinyint()); c("UserName", nv128); c("ServerName", nv128); c("DatabaseName", nv128);
    c("DatabaseVersion", SqlType::integer()); c("DatabaseCreationDate", SqlType::datetime());
    c("BackupSize", SqlType::decimal(20, 0)); c("FirstLSN", SqlType::decimal(25, 0)); c("LastLSN", SqlType::decimal(25, 0));
    c("CheckpointLSN", SqlType::decimal(25, 0)); c("DatabaseBackupLSN", SqlType::decimal(25, 0));
    c("BackupStartDate", SqlType::datetime()); c("BackupFinishDate", SqlType::datetime()); c("SortOrder", SqlType::smallint());
    c("CodePage", SqlType::smallint()); c("UnicodeLocaleId", SqlType::integer()); c("UnicodeComparisonStyle", SqlType::integer());
    c("CompatibilityLevel", SqlType::tinyint()); c("SoftwareVendorId", SqlType::integer()); c("SoftwareVersionMajor", SqlType::integer());
    c("SoftwareVersionMinor", SqlType::integer()); c("SoftwareVersionBuild", SqlType::integer()); c("MachineName", nv128);
    c("Flags", SqlType::integer()); c("BindingID", SqlType::guid()); c("RecoveryForkID", SqlType::guid());
    c("Collation", nv128); c("FamilyGUID", SqlType::guid()); c("HasBulkLoggedData", SqlType::bit()); c("IsSnapshot", SqlType::bit());
    c("IsReadOnly", SqlType::bit()); c("IsSingleUser", SqlType::bit()); c("HasBackupChecksums", SqlType::bit());
    c("IsDamaged", SqlType::bit()); c("BeginsLogChain", SqlType::bit()); c("HasIncompleteMetaData", SqlType::bit());
    c("IsForceOffline", SqlType::bit()); c("IsCopyOnly", SqlType::bit()); c("FirstRecoveryForkID", SqlType::guid());
    c("ForkPointLSN", SqlType::decimal(25, 0)); c("RecoveryModel", SqlType::nvarchar(60));
    c("DifferentialBaseLSN", SqlType::decimal(25, 0)); c("DifferentialBaseGUID", SqlType::guid());
    c("BackupTypeDescription", SqlType::nvarchar(60)); c("BackupSetGUID", SqlType::guid());
    c("CompressedBackupSize", SqlType::bigint()); c("Containment", SqlType::tinyint()); c("KeyAlgorithm", SqlType::nvarchar(32));
    c("EncryptorThumbprint", SqlType::varbinary(20)); c("EncryptorType", SqlType::nvarchar(32));
    for (const auto& set : sets) {
        const auto& h = set.header;
        int flags = 512 | (h.HasBackupChecksums ? 16 : 0) | (h.IsCopyOnly ? 1024 : 0);
        Row r{Value::text(h.BackupName, 128), Value::text(h.BackupDescription, 255), Value::integer(h.BackupType, SqlType::smallint()),
              Value::null(SqlType::datetime()), Value::boolean(h.Compressed), Value::integer(h.Position, SqlType::smallint()),
              Value::integer(2, SqlType::tinyint()), Value::text(h.UserName, 128), Value::text(h.ServerName, 128),
              Value::text(h.DatabaseName, 128), Value::integer(957), Value::optDatetime(h.DatabaseCreationDate),
              Value{SqlType::decimal(20, 0), h.BackupSize}, Value::lsn(h.FirstLSN), Value::lsn(h.LastLSN),
              Value::lsn(h.CheckpointLSN), Value::lsn(h.DatabaseBackupLSN), Value::optDatetime(h.BackupStartDate),
              Value::optDatetime(h.BackupFinishDate), Value::integer(52, SqlType::smallint()), Value::integer(0, SqlType::smallint()),
              Value::integer(1033), Value::integer(196609), Value::integer(160, SqlType::tinyint()), Value::integer(4608),
              Value::integer(16), Value::integer(0), Value::integer(1000), Value::text(h.MachineName, 128), Value::integer(flags),
              Value::optGuid(h.BindingID), Value::optGuid(h.RecoveryForkID), Value::text("SQL_Latin1_General_CP1_CI_AS", 128),
              Value::optGuid(h.FamilyGUID), Value::boolean(false), Value::boolean(false), Value::boolean(h.IsReadOnly),
              Value::boolean(h.IsSingleUser), Value::boolean(h.HasBackupChecksums), Value::boolean(false),
              Value::boolean(h.BeginsLogChain), Value::boolean(false), Value::boolean(false), Value::boolean(h.IsCopyOnly),
              Value::optGuid(h.FirstRecoveryForkID), Value::optLsn(h.ForkPointLSN), Value::text(h.RecoveryModel, 60),
              Value::optLsn(h.DifferentialBaseLSN), Value::optGuid(h.DifferentialBaseGUID),
              Value::text(h.BackupType == 2 ? "Transaction Log" : "Database", 60), Value::optGuid(h.BackupSetGUID),
              Value::integer(h.BackupSize, SqlType::bigint()), Value::integer(0, SqlType::tinyint()),
              Value::null(SqlType::nvarchar(32)), Value::null(SqlType::varbinary(20)), Value::null(SqlType::nvarchar(32))};
        rs.rows.push_back(std::move(r));
    }
    return rs;
}

ResultSet fileListOnly(const BackupHeader& h) {
    ResultSet rs;
    auto c = [&](const char* n, SqlType t) { rs.columns.push_back({n, t, true}); };
    c("LogicalName", SqlType::nvarchar(128)); c("PhysicalName", SqlType::nvarchar(260)); c("Type", SqlType::nvarchar(1));
    c("FileGroupName", SqlType::nvarchar(128)); c("Size", SqlType::decimal(20, 0)); c("MaxSize", SqlType::decimal(20, 0));
    c("FileId", SqlType::bigint()); c("CreateLSN", SqlType::decimal(25, 0)); c("DropLSN", SqlType::decimal(25, 0));
    c("UniqueId", SqlType::guid()); c("BackupSizeInBytes", SqlType::bigint()); c("IsReadOnly", SqlType::bit());
    for (const auto& f : h.files)
        rs.rows.push_back({Value::text(f.logical_name, 128), Value::text(f.physical_name, 260), Value::text(f.type ? "L" : "D", 1),
                           f.type ? Value::null(SqlType::nvarchar(128)) : Value::text("PRIMARY", 128),
                           Value{SqlType::decimal(20, 0), std::int64_t{8388608}}, Value{SqlType::decimal(20, 0), std::int64_t{35184372080640}},
                           Value::integer(f.file_id, SqlType::bigint()), Value::lsn(0), Value::lsn(0), Value::guid(Guid::random()),
                           Value::integer(h.BackupSize, SqlType::bigint()), Value::boolean(false)});
    return rs;
}

const BackupSetInfo& pickSet(const std::vector<BackupSetInfo>& sets, const Opts& o, const std::string& path) {
    std::size_t file = o.has("FILE") ? static_cast<std::size_t>(std::stoll(o.get("FILE"))) : 1;
    if (file < 1 || file > sets.size())
        throw SqlError(3206, 16, 1, fmt::format("The backup set file number {} on device '{}' is not in the media set.", file, path));
    return sets[file - 1];
}

}  // namespace

void restoreSet(Instance& inst, Executor* ex, const std::string& dbName, const std::string& path, bool isLog,
                const RestoreOptions& o, int exceptSpid) {
    bool verify = !o.noChecksum;
    auto sets = BackupFile::read(path, verify);
    std::size_t idx = o.file > 0 ? static_cast<std::size_t>(o.file) : 1;
    if (idx > sets.size())
        throw SqlError(3206, 16, 1, fmt::format("The backup set file number {} on device '{}' is not in the media set.", idx, path));
    const auto& set = sets[idx - 1];
    const BackupHeader& h = set.header;
    if (o.checksum && !h.HasBackupChecksums)
        throw SqlError(3187, 16, 1, "RESTORE WITH CHECKSUM cannot be specified because the backup set does not contain checksum information.");
    if (verify && h.HasBackupChecksums && !set.checksumOk) throw errors::damaged();
    if (isLog && h.BackupType != 2)
        throw SqlError(3135, 16, 2, fmt::format("The backup set in file '{}' was created by BACKUP DATABASE and cannot be used for this restore operation.", path));
    if (!isLog && h.BackupType == 2)
        throw SqlError(3135, 16, 2, fmt::format("The backup set in file '{}' was created by BACKUP LOG and cannot be used for this restore operation.", path));
    Database* d = inst.findDb(dbName);
    if (d && !d->mirroring.role.empty())
        throw SqlError(3104, 16, 1, fmt::format("RESTORE cannot operate on database '{}' because it is configured for database mirroring or has joined an availability group. If you intend to restore the database, use ALTER DATABASE to remove mirroring or to remove the database from its availability group.", d->name));
    if (d && inst.countSessionsIn(d->database_id, exceptSpid) > 0) throw errors::exclusiveAccess();
    if (isLog) {
        if (!d) throw errors::dbNotExistBackup(dbName);
        bool rollforward = d->state_desc == "RESTORING" || d->is_in_standby;
        if (!rollforward) throw errors::noFilesReady();
        if (!iequals(d->family_guid, h.FamilyGUID)) throw errors::differentDatabase(d->name);
        if (h.LastLSN <= d->redo_start_lsn)
            throw errors::tooEarly(Instance::formatLsn(h.LastLSN), Instance::formatLsn(d->redo_start_lsn));
        if (h.FirstLSN > d->redo_start_lsn)
            throw errors::tooRecent(Instance::formatLsn(h.FirstLSN), Instance::formatLsn(d->redo_start_lsn));
        if (!d->redo_start_fork_guid.empty() && !iequals(h.FirstRecoveryForkID, d->redo_start_fork_guid)) throw errors::recoveryPath();
        d->redo_start_lsn = h.LastLSN;
        d->end_lsn = h.LastLSN;
        d->log_backup_lsn = h.LastLSN;
        d->redo_start_fork_guid = h.RecoveryForkID;
        d->recovery_fork_guid = h.RecoveryForkID;
    } else {
        if (d && d->state_desc == "ONLINE" && !o.replace) {
            if (!iequals(d->family_guid, h.FamilyGUID)) throw errors::differentDatabase(d->name);
            if (d->recovery_model_desc != "SIMPLE" && d->log_backup_lsn != 0 && d->end_lsn > d->log_backup_lsn + 1) throw errors::tailNotBackedUp(d->name);
        }
        for (const auto& [logical, physical] : o.moves) {
            bool found = false;
            for (const auto& f : h.files) found = found || iequals(f.logical_name, logical);
            if (!found)
                throw SqlError(3234, 16, 2, fmt::format("Logical file '{}' is not part of database '{}'. Use RESTORE FILELISTONLY to list the logical file names.", logical, dbName));
        }
        if (!d) d = &inst.createDatabase(dbName);
        d->files = h.files;
        if (d->files.empty()) d->files = {{1, dbName, "", 0}, {2, dbName + "_log", "", 1}};
        for (const auto& [logical, physical] : o.moves) {
            bool found = false;
            for (auto& f : d->files)
                if (iequals(f.logical_name, logical)) { f.physical_name = physical; found = true; }
            if (!found)
                throw SqlError(3234, 16, 2, fmt::format("Logical file '{}' is not part of database '{}'. Use RESTORE FILELISTONLY to list the logical file names.", logical, dbName));
        }
        d->users = h.users;
        d->recovery_model_desc = h.RecoveryModel.empty() ? "FULL" : h.RecoveryModel;
        d->family_guid = h.FamilyGUID;
        d->create_date = h.DatabaseCreationDate;
        d->db_backup_lsn = h.CheckpointLSN;
        d->log_backup_lsn = h.LastLSN;
        d->redo_start_lsn = h.LastLSN;
        d->end_lsn = h.LastLSN;
        d->redo_start_fork_guid = h.RecoveryForkID;
        d->recovery_fork_guid = h.RecoveryForkID;
        d->fork_point_lsn = h.ForkPointLSN;
        // A restored database comes back with Service Broker disabled unless the RESTORE asks for it.
        d->is_broker_enabled = o.enableBroker;
        d->user_access_desc = o.restrictedUser ? "RESTRICTED_USER" : "MULTI_USER";
        d->is_read_only = false;
    }
    applyRecoveryMode(inst, *d, o);
    RestoreRecord rec;
    rec.restore_history_id = static_cast<std::int64_t>(inst.st.restores.size()) + 1;
    rec.restore_date = inst.nowMs();
    rec.destination_database_name = d->name;
    rec.restore_type = isLog ? "L" : "D";
    rec.recovery = o.mode == "RECOVERY";
    rec.physical_device_name = path;
    rec.first_lsn = h.FirstLSN;
    rec.last_lsn = h.LastLSN;
    rec.backup_set_uuid = h.BackupSetGUID;
    inst.st.restores.push_back(rec);
    inst.save();
    if (ex) {
        double secs = 0.01;
        processedMessages(*ex, "RESTORE", isLog ? "LOG" : "DATABASE", *d, h.BackupSize, static_cast<int>(idx), isLog, secs);
    }
}

void applyRecoveryMode(Instance& inst, Database& d, const RestoreOptions& o) {
    if (o.mode == "NORECOVERY") {
        d.state_desc = "RESTORING";
        d.is_in_standby = false;
        d.restore_mode = "NORECOVERY";
    } else if (o.mode == "STANDBY") {
        std::ofstream undo(o.standbyFile, std::ios::binary | std::ios::trunc);
        if (!undo) throw errors::cannotOpenDevice(o.standbyFile, 3, "The system cannot find the path specified.");
        undo << "MSSQLSIM-UNDO1 " << d.name << " " << d.redo_start_lsn << "\n";
        d.state_desc = "ONLINE";
        d.is_in_standby = true;
        d.standby_file = o.standbyFile;
        d.restore_mode = "STANDBY";
    } else {
        // RECOVERY: the database starts a new recovery fork and accepts no more log restores.
        d.state_desc = "ONLINE";
        d.is_in_standby = false;
        if (!d.standby_file.empty()) {
            std::error_code ec;
            std::filesystem::remove(d.standby_file, ec);
        }
        d.standby_file.clear();
        d.restore_mode.clear();
        d.fork_point_lsn = d.redo_start_lsn;
        d.recovery_fork_guid = Guid::random().toString();
        d.end_lsn = std::max(d.end_lsn, d.redo_start_lsn) + 1;
        d.redo_start_lsn = 0;
        d.redo_start_fork_guid.clear();
    }
    (void)inst;
}

void runRestore(Executor& ex, const Stmt& s, Scope& scope) {
    Instance& inst = ex.inst();
    std::string what = "RESTORE " + s.what;
    try {
        Opts o = options(ex, s, scope);
        if (s.what == "HEADERONLY" || s.what == "FILELISTONLY" || s.what == "VERIFYONLY" || s.what == "LABELONLY") {
            if (s.devices.size() != 1) throw errors::notSupported("striped backups (more than one DISK)");
            std::string path = ex.evalText(s.devices[0], scope);
            bool verify = s.what == "VERIFYONLY";
            auto sets = BackupFile::read(path, verify);
            if (s.what == "HEADERONLY") {
                ex.sink().resultSet(headerOnly(sets));
            } else if (s.what == "FILELISTONLY") {
                ex.sink().resultSet(fileListOnly(pickSet(sets, o, path).header));
            } else if (s.what == "LABELONLY") {
                ResultSet rs;
                rs.columns = {{"MediaName", SqlType::nvarchar(128), true}, {"MediaSetId", SqlType::guid(), true},
                              {"FamilyCount", SqlType::integer(), true}, {"FamilySequenceNumber", SqlType::integer(), true},
                              {"MediaFamilyId", SqlType::guid(), true}, {"MediaSequenceNumber", SqlType::integer(), true},
                              {"MediaLabelPresent", SqlType::tinyint(), true}, {"MediaDescription", SqlType::nvarchar(255), true},
                              {"SoftwareName", SqlType::nvarchar(128), true}, {"SoftwareVendorId", SqlType::integer(), true},
                              {"MediaDate", SqlType::datetime(), true}, {"MirrorCount", SqlType::integer(), true},
                              {"IsCompressed", SqlType::bit(), true}};
                const auto& h = sets[0].header;
                rs.rows.push_back({Value::null(SqlType::nvarchar(128)), Value::optGuid(h.BindingID), Value::integer(1), Value::integer(1),
                                   Value::optGuid(h.BindingID), Value::integer(1), Value::integer(0, SqlType::tinyint()),
                                   Value::null(SqlType::nvarchar(255)), Value::text("Microsoft SQL Server", 128), Value::integer(4608),
                                   Value::optDatetime(h.BackupStartDate), Value::integer(1), Value::boolean(h.Compressed)});
                ex.sink().resultSet(rs);
            } else {
                for (const auto& set : sets) {
                    if (set.header.HasBackupChecksums && !set.checksumOk) throw errors::damaged();
                }
                ex.info(3262, fmt::format("The backup set on file {} is valid.", sets.size()));
            }
            return;
        }
        std::string dbName = ex.evalText(s.dbExpr, scope);
        RestoreOptions ro;
        ro.replace = o.has("REPLACE");
        ro.checksum = o.has("CHECKSUM");
        ro.noChecksum = o.has("NO_CHECKSUM");
        ro.moves = o.moves;
        ro.file = o.has("FILE") ? static_cast<int>(std::stoll(o.get("FILE"))) : 1;
        int modes = o.has("NORECOVERY") + o.has("RECOVERY") + o.has("STANDBY");
        if (modes > 1) throw SqlError(3032, 16, 1, "One or more of the options (recovery, norecovery, standby) are not supported for this statement. No restore action taken.");
        ro.mode = o.has("NORECOVERY") ? "NORECOVERY" : o.has("STANDBY") ? "STANDBY" : "RECOVERY";
        ro.standbyFile = o.get("STANDBY");
        ro.enableBroker = o.has("ENABLE_BROKER") || o.has("NEW_BROKER") || o.has("ERROR_BROKER_CONVERSATIONS");
        ro.restrictedUser = o.has("RESTRICTED_USER");
        if (s.devices.empty()) {
            // RESTORE DATABASE x WITH RECOVERY: bring a restoring database online.
            Database& d = inst.requireDb(dbName);
            if (s.what == "LOG" && ro.mode == "RECOVERY" && d.state_desc != "RESTORING" && !d.is_in_standby) throw errors::noFilesReady();
            if (d.state_desc != "RESTORING" && !d.is_in_standby) {
                if (ro.mode == "RECOVERY") throw SqlError(3153, 16, 2, "The database is already fully recovered.");
                throw errors::noFilesReady();
            }
            if (!d.mirroring.role.empty())
                throw SqlError(3104, 16, 1, fmt::format("RESTORE cannot operate on database '{}' because it is configured for database mirroring or has joined an availability group. If you intend to restore the database, use ALTER DATABASE to remove mirroring or to remove the database from its availability group.", d.name));
            if (inst.countSessionsIn(d.database_id, ex.session().spid) > 0) throw errors::exclusiveAccess();
            applyRecoveryMode(inst, d, ro);
            inst.save();
            ex.info(3014, fmt::format("RESTORE {} successfully processed 0 pages in 0.010 seconds (0.000 MB/sec).", s.what));
            return;
        }
        if (s.devices.size() != 1) throw errors::notSupported("striped backups (more than one DISK)");
        std::string path = ex.evalText(s.devices[0], scope);
        restoreSet(inst, &ex, dbName, path, s.what == "LOG", ro, ex.session().spid);
        spdlog::info("[{}] RESTORE {} [{}] FROM '{}' WITH {}", inst.st.name, s.what, dbName, path, ro.mode);
    } catch (const SqlError& e) {
        if (e.message().number == 911) throw;
        terminate(e, what);
    }
}

}  // namespace mssql_sim
