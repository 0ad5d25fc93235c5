// Recursive-descent parser for the T-SQL the simulator understands. Anything else is a
// syntax error (102 or 156), never silently accepted.
#pragma once

#include "sql/ast.hpp"
#include "sql/lexer.hpp"

#include <string>
#include <vector>

namespace mssql_sim::sql {

std::vector<StmtP> parseBatch(const std::string& text);
// Parses "@P1 int, @P2 nvarchar(50) OUTPUT" (the @params argument of sp_executesql/sp_prepexec).
std::vector<std::pair<std::string, SqlType>> parseParamDecls(const std::string& text);

}  // namespace mssql_sim::sql
