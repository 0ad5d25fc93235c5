#include "odbc_diagnostics.hpp"

#include <sqlext.h>
#include <sqlucode.h>

#include <algorithm>
#include <optional>
#include <string>

#include "odbc_text.hpp"

namespace drkit::sqlserver {

namespace {

// Driver-specific diagnostic fields (Microsoft's msodbcsql.h: SQL_DIAG_SS_BASE = -1150).
constexpr SQLSMALLINT kDiagSsMsgState = -1150;
constexpr SQLSMALLINT kDiagSsSeverity = -1151;

std::optional<int> integer_field(SQLSMALLINT type, SQLHANDLE handle, SQLSMALLINT record, SQLSMALLINT field) {
  SQLINTEGER value = 0;
  // A positive length (see the header): the driver writes an SQLINTEGER either way.
  if (!SQL_SUCCEEDED(SQLGetDiagFieldW(type, handle, record, field, &value,
                                      static_cast<SQLSMALLINT>(sizeof value), nullptr)))
    return std::nullopt;
  return static_cast<int>(value);
}

}  // namespace

std::string strip_driver_prefix(std::string text) {
  while (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos) break;
    text.erase(0, close + 1);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

DiagnosticDialect diagnostic_dialect(SQLHDBC dbc) {
  SQLWCHAR name[256] = {};
  SQLSMALLINT bytes = 0;
  if (!SQL_SUCCEEDED(SQLGetInfoW(dbc, SQL_DRIVER_NAME, name, sizeof name, &bytes)))
    return DiagnosticDialect::sql_server;
  std::size_t length = std::min<std::size_t>(static_cast<std::size_t>(std::max<SQLSMALLINT>(bytes, 0)) / sizeof(SQLWCHAR),
                                             std::size(name) - 1);
  std::string driver = to_utf8(name, length);
  return driver.find("libtdsodbc") != std::string::npos ? DiagnosticDialect::freetds : DiagnosticDialect::sql_server;
}

std::vector<Diagnostic> read_diagnostics(SQLSMALLINT type, SQLHANDLE handle, DiagnosticDialect dialect) {
  std::vector<Diagnostic> out;
  for (SQLSMALLINT i = 1; i < 1000; ++i) {
    SQLWCHAR state[6] = {};
    SQLINTEGER native = 0;
    std::vector<SQLWCHAR> message(1024);
    SQLSMALLINT length = 0;
    SQLRETURN rc = SQLGetDiagRecW(type, handle, i, state, &native, message.data(),
                                  static_cast<SQLSMALLINT>(message.size()), &length);
    if (rc == SQL_SUCCESS_WITH_INFO && static_cast<std::size_t>(length) >= message.size()) {
      message.resize(static_cast<std::size_t>(length) + 1);
      rc = SQLGetDiagRecW(type, handle, i, state, &native, message.data(),
                          static_cast<SQLSMALLINT>(message.size()), &length);
    }
    if (!SQL_SUCCEEDED(rc)) break;
    Diagnostic d;
    d.sqlstate = to_utf8(state, 5);
    d.number = static_cast<int>(native);
    d.message = strip_driver_prefix(to_utf8(
        message.data(), std::min<std::size_t>(static_cast<std::size_t>(std::max<SQLSMALLINT>(length, 0)), message.size() - 1)));
    auto severity = integer_field(type, handle, i, kDiagSsSeverity);
    auto msgstate = integer_field(type, handle, i, kDiagSsMsgState);
    if (severity) {
      // A driver that implements the class field also means the state by the state field.
      d.severity = severity;
      d.state = msgstate;
    } else if (dialect == DiagnosticDialect::freetds) {
      d.severity = msgstate;  // FreeTDS's "msgstate" is the class (see the header)
    } else {
      d.state = msgstate;
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace drkit::sqlserver
