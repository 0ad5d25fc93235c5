// What statements execute against: the session, the batch's variables and where results go.
#pragma once

#include "engine/sql_error.hpp"
#include "sql/result.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace mssql_sim {

class Instance;

struct Session {
    int spid = 0;
    std::string login;
    int databaseId = 1;
    bool nocount = false;
    std::int64_t rowcount = 0;
    std::int32_t lastError = 0;
    int trancount = 0;
};

// Receives what a batch produces, in order. The TDS connection implements it.
class ResultSink {
public:
    virtual ~ResultSink() = default;
    virtual void resultSet(const ResultSet& rs) = 0;
    virtual void info(const Message& m) = 0;
    virtual void rowCount(std::uint64_t rows) = 0;  // a statement that affected rows (no result set)
    virtual void procBegin() = 0;
    virtual void procEnd(std::int32_t returnStatus) = 0;
    virtual void databaseChanged(const std::string& from, const std::string& to) = 0;
    virtual bool cancelled() const = 0;
    // Fault injection: drop the connection part-way through the next response.
    virtual void armDrop() {}
    virtual bool dropArmed() const { return false; }
};

// Variables are batch-scoped in T-SQL; EXEC(...) and sp_executesql get a scope of their own.
struct Scope {
    std::map<std::string, Value> vars;  // lower-case names without '@'
    bool returned = false;
    std::optional<std::int32_t> returnValue;
};

struct ExecContext {
    Instance& inst;
    Session& session;
    ResultSink& sink;
    Scope& scope;
};

}  // namespace mssql_sim
