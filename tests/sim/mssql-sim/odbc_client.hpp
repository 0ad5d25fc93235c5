// A small raw-ODBC client for tests: SQLDriverConnect + SQLExecDirect (the plain SQL_BATCH
// path the sqlserver plugin uses), every result set, and the driver's diagnostics.
#pragma once

#include <sql.h>
#include <sqlext.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace simtest {

struct Diag {
    std::string state;
    long native = 0;
    std::string text;
};

class OdbcError : public std::runtime_error {
public:
    OdbcError(const std::string& what, std::vector<Diag> d);
    std::vector<Diag> diags;
    bool hasNative(long n) const;
    long firstNative() const { return diags.empty() ? 0 : diags.front().native; }
    std::string firstState() const { return diags.empty() ? "" : diags.front().state; }
};

struct ColumnInfo {
    std::string name;
    SQLSMALLINT type = 0;
    SQLULEN size = 0;
    SQLSMALLINT digits = 0;
};

struct ResultData {
    std::vector<ColumnInfo> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
    int col(const std::string& name) const;  // -1 if missing
    std::string at(std::size_t row, const std::string& column) const;  // "NULL" for NULL
};

struct Outcome {
    std::vector<ResultData> results;
    std::vector<Diag> messages;  // INFO messages (SQL_SUCCESS_WITH_INFO)
};

class OdbcConnection {
public:
    explicit OdbcConnection(const std::string& connectionString);
    ~OdbcConnection();
    OdbcConnection(const OdbcConnection&) = delete;
    OdbcConnection& operator=(const OdbcConnection&) = delete;
    Outcome exec(const std::string& sql, int timeoutSeconds = 0);
    std::string scalar(const std::string& sql);  // first column of the first row
    SQLHDBC handle() const { return dbc_; }

private:
    SQLHENV env_ = SQL_NULL_HENV;
    SQLHDBC dbc_ = SQL_NULL_HDBC;
};

std::vector<Diag> diagnostics(SQLSMALLINT type, SQLHANDLE h);

}  // namespace simtest
