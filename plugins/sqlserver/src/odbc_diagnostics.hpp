// An ODBC handle's diagnostic records as Diagnostics, with SQL Server's class and state where
// the driver gives them.
//
// Microsoft's driver answers the driver-specific fields SQL_DIAG_SS_SEVERITY (the class) and
// SQL_DIAG_SS_MSGSTATE (the state). FreeTDS 1.3.17 answers only SQL_DIAG_SS_MSGSTATE, and
// what it holds there is the class: its message handler (src/odbc/odbc.c,
// odbc_errmsg_handler) passes msg->severity as the `msgstate` argument of
// odbc_errs_add_rdbms, and the state of the server's ERROR/INFO token is kept nowhere in the
// ODBC record. So through FreeTDS the class is known and the state is not.
//
// The fields are read with SQLGetDiagFieldW and a positive buffer length: FreeTDS returns
// SQL_ERROR for any negative length (SQL_IS_INTEGER included), and unixODBC 2.3.11's narrow
// SQLGetDiagField runs a driver's integer answer through its wide-to-narrow text conversion.
#pragma once

#include <sql.h>

#include <vector>

#include "sql_error.hpp"

namespace drkit::sqlserver {

enum class DiagnosticDialect {
  sql_server,  // SQL_DIAG_SS_SEVERITY is the class, SQL_DIAG_SS_MSGSTATE the state
  freetds,     // SQL_DIAG_SS_MSGSTATE is the class; the state is not available
};

// Which dialect the driver behind `dbc` speaks (SQLGetInfo SQL_DRIVER_NAME: libtdsodbc*).
DiagnosticDialect diagnostic_dialect(SQLHDBC dbc);

// Every record of `handle`, in order; the driver's "[FreeTDS][SQL Server]" prefixes removed.
std::vector<Diagnostic> read_diagnostics(SQLSMALLINT type, SQLHANDLE handle, DiagnosticDialect dialect);

// "[FreeTDS][SQL Server]Login failed" -> "Login failed" (trailing newlines removed too).
std::string strip_driver_prefix(std::string text);

}  // namespace drkit::sqlserver
