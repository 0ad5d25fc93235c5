#include "engine/sql_error.hpp"

#include <fmt/format.h>

namespace mssql_sim::errors {

// Severity 15 = syntax, 16 = user-correctable, 14 = security, 10 = informational.
SqlError syntax(const std::string& near) { return {102, 15, 1, fmt::format("Incorrect syntax near '{}'.", near)}; }
SqlError syntaxKeyword(const std::string& keyword) {
    return {156, 15, 1, fmt::format("Incorrect syntax near the keyword '{}'.", keyword)};
}
SqlError syntaxEnd() { return {102, 15, 1, "Incorrect syntax near ')'."}; }
SqlError mustDeclare(const std::string& var) {
    return {137, 15, 2, fmt::format("Must declare the scalar variable \"{}\".", var)};
}
SqlError invalidObject(const std::string& name) { return {208, 16, 1, fmt::format("Invalid object name '{}'.", name)}; }
SqlError invalidColumn(const std::string& name) { return {207, 16, 1, fmt::format("Invalid column name '{}'.", name)}; }
SqlError ambiguousColumn(const std::string& name) {
    return {209, 16, 1, fmt::format("Ambiguous column name '{}'.", name)};
}
SqlError procNotFound(const std::string& name) {
    return {2812, 16, 62, fmt::format("Could not find stored procedure '{}'.", name)};
}
SqlError dbNotExist(const std::string& name) {
    return {911, 16, 1,
            fmt::format("Database '{}' does not exist. Make sure that the name is entered correctly.", name)};
}
SqlError dbNotExistBackup(const std::string& name) {
    return {3701, 11, 5,
            fmt::format("Cannot find the database '{}', because it does not exist or you do not have permission.",
                        name)};
}
SqlError conversion(const std::string& from, const std::string& to) {
    return {245, 16, 1, fmt::format("Conversion failed when converting the {} value to data type {}.", from, to)};
}
SqlError divideByZero() { return {8134, 16, 1, "Divide by zero error encountered."}; }
SqlError loginFailed(const std::string& user) {
    return {18456, 14, 1, fmt::format("Login failed for user '{}'.", user)};
}
SqlError killNotActive(std::int64_t spid) {
    return {6106, 16, 2, fmt::format("Process ID {} is not an active process ID.", spid)};
}
SqlError killSelf() { return {6104, 16, 1, "Cannot use KILL to kill your own process."}; }
SqlError exclusiveAccess() {
    return {3101, 16, 1, "Exclusive access could not be obtained because the database is in use."};
}
SqlError terminating(const std::string& what) {
    return {3013, 16, 1, fmt::format("{} is terminating abnormally.", what)};
}
SqlError tooRecent(const std::string& first, const std::string& needed) {
    return {4305, 16, 1,
            fmt::format("The log in this backup set begins at LSN {}, which is too recent to apply to the database. "
                        "An earlier log backup that includes LSN {} can be restored.",
                        first, needed)};
}
SqlError tooEarly(const std::string& last, const std::string& needed) {
    return {4326, 16, 1,
            fmt::format("The log in this backup set terminates at LSN {}, which is too early to apply to the "
                        "database. A more recent log backup that includes LSN {} can be restored.",
                        last, needed)};
}
SqlError noFilesReady() {
    return {3117, 16, 1,
            "The log or differential backup cannot be restored because no files are ready to rollforward."};
}
SqlError cannotOpenDevice(const std::string& path, int os, const std::string& osText) {
    return {3201, 16, 2, fmt::format("Cannot open backup device '{}'. Operating system error {}({}).", path, os, osText)};
}
SqlError notABackup(const std::string& path) {
    return {3241, 16, 0,
            fmt::format("The media family on device '{}' is incorrectly formed. SQL Server cannot process this media "
                        "family.",
                        path)};
}
SqlError damaged() { return {3189, 16, 1, "Damage to the backup set was detected."}; }
SqlError readFailed(const std::string& path) {
    return {3203, 16, 1, fmt::format("Read on \"{}\" failed: 38(Reached the end of the file.)", path)};
}
SqlError differentDatabase(const std::string& db) {
    return {3154, 16, 4,
            fmt::format("The backup set holds a backup of a database other than the existing '{}' database.", db)};
}
SqlError tailNotBackedUp(const std::string& db) {
    return {3159, 16, 1,
            fmt::format("The tail of the log for the database \"{}\" has not been backed up. Use BACKUP LOG WITH "
                        "NORECOVERY to backup the log if it contains work you do not want to lose. Use the WITH "
                        "REPLACE or WITH STOPAT clause of the RESTORE statement to just overwrite the contents of the "
                        "log.",
                        db)};
}
SqlError inMiddleOfRestore(const std::string& db) {
    return {927, 14, 2, fmt::format("Database '{}' cannot be opened. It is in the middle of a restore.", db)};
}
SqlError noCurrentBackup() {
    return {4214, 16, 1, "BACKUP LOG cannot be performed because there is no current database backup."};
}
SqlError logBackupSimple() {
    return {4208, 16, 1,
            "The statement BACKUP LOG is not allowed while the recovery model is SIMPLE. Use BACKUP DATABASE or "
            "change the recovery model using ALTER DATABASE."};
}
SqlError recoveryPath() {
    return {4330, 16, 1,
            "This backup set cannot be applied because it is on a recovery path that is inconsistent with the "
            "database. The recovery path is the sequence of data and log backups that have brought the database to "
            "a particular recovery point. Find a compatible backup to restore, or restore the rest of the database "
            "to match a recovery point within this backup set, which will restore the database to a different point "
            "in time."};
}
SqlError dbExists(const std::string& db) {
    return {1801, 16, 3, fmt::format("Database '{}' already exists. Choose a different database name.", db)};
}
SqlError dbInUse(const std::string& db) {
    return {3702, 16, 4, fmt::format("Cannot drop database \"{}\" because it is currently in use.", db)};
}
SqlError jobNotFound(const std::string& name) {
    return {14262, 16, 1, fmt::format("The specified @job_name ('{}') does not exist.", name)};
}
SqlError jobRunning(const std::string& name) {
    return {22022, 16, 1,
            fmt::format("SQLServerAgent Error: Request to run job {} (from User sa) refused because the job is "
                        "already running from a request by User sa.",
                        name)};
}
SqlError alterUserMissing(const std::string& user) {
    return {15151, 16, 1,
            fmt::format("Cannot alter the user '{}', because it does not exist or you do not have permission.", user)};
}
SqlError loginMissing(const std::string& login) {
    return {15151, 16, 1,
            fmt::format("Cannot find the login '{}', because it does not exist or you do not have permission.", login)};
}
SqlError loginExists(const std::string& login) {
    return {15025, 16, 2, fmt::format("The server principal '{}' already exists.", login)};
}
SqlError mirrorNotConfigured(const std::string& db) {
    return {1416, 16, 31,
            fmt::format("Database \"{}\" is not configured for database mirroring.", db)};
}
SqlError mirrorUnreachable(const std::string& addr) {
    return {1418, 16, 1,
            fmt::format("The server network address \"{}\" can not be reached or does not exist. Check the network "
                        "address name and that the ports for the local and remote endpoints are operational.",
                        addr)};
}
SqlError mirrorAlready(const std::string& db) {
    return {1405, 16, 2, fmt::format("The database \"{}\" is already enabled for database mirroring.", db)};
}
SqlError mirrorNotPrincipalFailover(const std::string& db) {
    return {1404, 16, 8,
            fmt::format("The command failed because the database mirror is busy. Reissue the command later. "
                        "(database \"{}\")",
                        db)};
}
SqlError mirrorNotCaughtUp(const std::string& db) {
    return {1422, 16, 2,
            fmt::format("The mirror server instance is not caught up to the recent changes to database \"{}\". "
                        "Unable to fail over.",
                        db)};
}
SqlError mirrorForceNotMirror(const std::string& db) {
    return {1455, 16, 1,
            fmt::format("The database mirroring service cannot be forced for database \"{}\" because the database is "
                        "not in the correct state to become the principal database.",
                        db)};
}
SqlError dbNotMirrored(const std::string& db) {
    return {1416, 16, 2, fmt::format("Database \"{}\" is not configured for database mirroring.", db)};
}
SqlError paramMissing(const std::string& proc, const std::string& param) {
    return {201, 16, 4,
            fmt::format("Procedure or function '{}' expects parameter '{}', which was not supplied.", proc, param)};
}
SqlError tooManyArgs(const std::string& proc) {
    return {8144, 16, 2, fmt::format("Procedure or function {} has too many arguments specified.", proc)};
}
SqlError notSupported(const std::string& what) {
    return {40000, 16, 1, fmt::format("mssql-sim does not support {}.", what)};
}
SqlError cancelled() { return {3980, 16, 1, "The request failed to run because the batch is aborted."}; }
SqlError injected(std::int32_t number, std::uint8_t severity, const std::string& text) {
    return {number, severity, 1, text};
}

}  // namespace mssql_sim::errors
