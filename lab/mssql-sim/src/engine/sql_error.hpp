// SQL Server errors with their real numbers, states, severities (classes) and texts.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace mssql_sim {

struct Message {
    std::int32_t number = 0;
    std::uint8_t state = 1;
    std::uint8_t severity = 0;  // "class": 0-10 informational, 11-16 user errors, >= 20 fatal
    std::string text;
    std::string procedure;
    std::int32_t line = 1;
};

class SqlError : public std::runtime_error {
public:
    explicit SqlError(Message m) : std::runtime_error(m.text), msg_(std::move(m)) {}
    SqlError(std::int32_t number, std::uint8_t severity, std::uint8_t state, std::string text)
        : SqlError(Message{number, state, severity, std::move(text), {}, 1}) {}
    const Message& message() const { return msg_; }
    // Extra errors raised before the main one (e.g. 3101 then 3013 "RESTORE ... terminating").
    std::string terminatingText;  // if set, a 3013 follows with this text

private:
    Message msg_;
};

// The catalogue: one function per error the simulator raises, so numbers and texts live in one place.
namespace errors {
SqlError syntax(const std::string& near);            // 102
SqlError syntaxKeyword(const std::string& keyword);  // 156
SqlError syntaxEnd();                                // 102 near end of batch
SqlError mustDeclare(const std::string& var);        // 137
SqlError invalidObject(const std::string& name);     // 208
SqlError invalidColumn(const std::string& name);     // 207
SqlError ambiguousColumn(const std::string& name);   // 209
SqlError procNotFound(const std::string& name);      // 2812
SqlError dbNotExist(const std::string& name);        // 911
SqlError dbNotExistBackup(const std::string& name);  // 3701-like for BACKUP/RESTORE paths
SqlError conversion(const std::string& from, const std::string& to);  // 245
SqlError divideByZero();                             // 8134
SqlError loginFailed(const std::string& user);       // 18456
SqlError killNotActive(std::int64_t spid);           // 6106
SqlError killSelf();                                 // 6104
SqlError exclusiveAccess();                          // 3101
SqlError terminating(const std::string& what);       // 3013
SqlError tooRecent(const std::string& first, const std::string& needed);  // 4305
SqlError tooEarly(const std::string& last, const std::string& needed);    // 4326
SqlError noFilesReady();                             // 3117
SqlError cannotOpenDevice(const std::string& path, int os, const std::string& osText);  // 3201
SqlError notABackup(const std::string& path);        // 3241
SqlError damaged();                                  // 3189
SqlError readFailed(const std::string& path);        // 3203
SqlError differentDatabase(const std::string& db);   // 3154
SqlError tailNotBackedUp(const std::string& db);     // 3159
SqlError inMiddleOfRestore(const std::string& db);   // 927
SqlError noCurrentBackup();                          // 4214
SqlError logBackupSimple();                          // 4208
SqlError recoveryPath();                             // 4330
SqlError dbExists(const std::string& db);            // 1801
SqlError dbInUse(const std::string& db);             // 3702
SqlError jobNotFound(const std::string& name);       // 14262
SqlError jobRunning(const std::string& name);        // 22022
SqlError alterUserMissing(const std::string& user);  // 15151
SqlError loginMissing(const std::string& login);     // 15151 (login)
SqlError loginExists(const std::string& login);      // 15025
SqlError mirrorNotConfigured(const std::string& db); // 1416
SqlError mirrorUnreachable(const std::string& addr); // 1418
SqlError mirrorAlready(const std::string& db);       // 1405
SqlError mirrorNotPrincipalFailover(const std::string& db);  // 1404
SqlError mirrorNotCaughtUp(const std::string& db);   // 1422
SqlError mirrorForceNotMirror(const std::string& db);  // 1455
SqlError dbNotMirrored(const std::string& db);       // 1416 variant for OFF etc.
SqlError paramMissing(const std::string& proc, const std::string& param);  // 201
SqlError tooManyArgs(const std::string& proc);       // 8144
SqlError notSupported(const std::string& what);      // 40000-range simulator error, severity 16
SqlError cancelled();                                // query cancelled (internal)
SqlError injected(std::int32_t number, std::uint8_t severity, const std::string& text);
}  // namespace errors

}  // namespace mssql_sim
