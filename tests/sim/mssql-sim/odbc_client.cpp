#include "odbc_client.hpp"

#include <memory>

namespace simtest {

OdbcError::OdbcError(const std::string& what, std::vector<Diag> d) : std::runtime_error([&] {
    std::string s = what;
    for (const auto& x : d) s += " [" + x.state + "/" + std::to_string(x.native) + "] " + x.text;
    return s;
}()), diags(std::move(d)) {}

bool OdbcError::hasNative(long n) const {
    for (const auto& d : diags)
        if (d.native == n) return true;
    return false;
}

std::vector<Diag> diagnostics(SQLSMALLINT type, SQLHANDLE h) {
    std::vector<Diag> out;
    for (SQLSMALLINT i = 1;; ++i) {
        SQLCHAR state[6] = {0};
        SQLINTEGER native = 0;
        SQLCHAR text[4096];
        SQLSMALLINT len = 0;
        SQLRETURN rc = SQLGetDiagRec(type, h, i, state, &native, text, sizeof text, &len);
        if (!SQL_SUCCEEDED(rc)) break;
        out.push_back({reinterpret_cast<char*>(state), native, std::string(reinterpret_cast<char*>(text), static_cast<std::size_t>(std::min<int>(len, sizeof text - 1)))});
    }
    return out;
}

int ResultData::col(const std::string& name) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == name) return static_cast<int>(i);
    return -1;
}

std::string ResultData::at(std::size_t row, const std::string& column) const {
    int c = col(column);
    if (c < 0) throw std::runtime_error("no column " + column);
    const auto& v = rows.at(row).at(static_cast<std::size_t>(c));
    return v ? *v : "NULL";
}

OdbcConnection::OdbcConnection(const std::string& cs) {
    SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env_);
    SQLSetEnvAttr(env_, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
    SQLAllocHandle(SQL_HANDLE_DBC, env_, &dbc_);
    SQLSetConnectAttr(dbc_, SQL_ATTR_LOGIN_TIMEOUT, reinterpret_cast<SQLPOINTER>(30), 0);
    SQLCHAR out[1024];
    SQLSMALLINT outLen = 0;
    SQLRETURN rc = SQLDriverConnect(dbc_, nullptr, reinterpret_cast<SQLCHAR*>(const_cast<char*>(cs.c_str())), SQL_NTS, out,
                                    sizeof out, &outLen, SQL_DRIVER_NOPROMPT);
    if (!SQL_SUCCEEDED(rc)) {
        auto d = diagnostics(SQL_HANDLE_DBC, dbc_);
        SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
        SQLFreeHandle(SQL_HANDLE_ENV, env_);
        dbc_ = SQL_NULL_HDBC;
        env_ = SQL_NULL_HENV;
        throw OdbcError("connect failed", d);
    }
}

OdbcConnection::~OdbcConnection() {
    if (dbc_) {
        SQLDisconnect(dbc_);
        SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
    }
    if (env_) SQLFreeHandle(SQL_HANDLE_ENV, env_);
}

Outcome OdbcConnection::exec(const std::string& sql, int timeoutSeconds) {
    SQLHSTMT st = SQL_NULL_HSTMT;
    SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &st);
    std::unique_ptr<void, void (*)(void*)> guard(st, [](void* h) { SQLFreeHandle(SQL_HANDLE_STMT, h); });
    if (timeoutSeconds > 0)
        SQLSetStmtAttr(st, SQL_ATTR_QUERY_TIMEOUT, reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(timeoutSeconds)), 0);
    Outcome out;
    SQLRETURN rc = SQLExecDirect(st, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql.c_str())), SQL_NTS);
    for (;;) {
        if (rc == SQL_ERROR) {
            auto d = diagnostics(SQL_HANDLE_STMT, st);
            throw OdbcError("statement failed", d);
        }
        if (rc == SQL_SUCCESS_WITH_INFO) {
            auto d = diagnostics(SQL_HANDLE_STMT, st);
            out.messages.insert(out.messages.end(), d.begin(), d.end());
        }
        if (rc == SQL_NO_DATA) break;
        SQLSMALLINT ncols = 0;
        SQLNumResultCols(st, &ncols);
        if (ncols > 0) {
            ResultData r;
            for (SQLSMALLINT c = 1; c <= ncols; ++c) {
                SQLCHAR name[256];
                SQLSMALLINT nameLen = 0, type = 0, digits = 0, nullable = 0;
                SQLULEN size = 0;
                SQLDescribeCol(st, c, name, sizeof name, &nameLen, &type, &size, &digits, &nullable);
                r.columns.push_back({std::string(reinterpret_cast<char*>(name), static_cast<std::size_t>(nameLen)), type, size, digits});
            }
            for (;;) {
                SQLRETURN f = SQLFetch(st);
                if (f == SQL_NO_DATA) break;
                if (f == SQL_ERROR) throw OdbcError("fetch failed", diagnostics(SQL_HANDLE_STMT, st));
                std::vector<std::optional<std::string>> row;
                for (SQLSMALLINT c = 1; c <= ncols; ++c) {
                    std::string value;
                    SQLLEN ind = 0;
                    char buf[8192];
                    bool isNull = false;
                    for (;;) {
                        SQLRETURN g = SQLGetData(st, c, SQL_C_CHAR, buf, sizeof buf, &ind);
                        if (g == SQL_NO_DATA) break;
                        if (!SQL_SUCCEEDED(g)) throw OdbcError("SQLGetData failed", diagnostics(SQL_HANDLE_STMT, st));
                        if (ind == SQL_NULL_DATA) { isNull = true; break; }
                        std::size_t got = (ind == SQL_NO_TOTAL || ind >= static_cast<SQLLEN>(sizeof buf)) ? sizeof buf - 1 : static_cast<std::size_t>(ind);
                        value.append(buf, got);
                        if (g == SQL_SUCCESS) break;
                    }
                    row.push_back(isNull ? std::nullopt : std::optional<std::string>(value));
                }
                r.rows.push_back(std::move(row));
            }
            out.results.push_back(std::move(r));
        }
        rc = SQLMoreResults(st);
    }
    return out;
}

std::string OdbcConnection::scalar(const std::string& sql) {
    auto o = exec(sql);
    for (const auto& r : o.results)
        if (!r.rows.empty()) return r.rows[0][0] ? *r.rows[0][0] : "NULL";
    throw std::runtime_error("no rows from: " + sql);
}

}  // namespace simtest
