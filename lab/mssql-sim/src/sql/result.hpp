// Result sets as the engine produces them and the TDS layer sends them.
#pragma once

#include "sql/value.hpp"

#include <string>
#include <vector>

namespace mssql_sim {

struct Column {
    std::string name;
    SqlType type;
    bool nullable = true;
};

using Row = std::vector<Value>;

struct ResultSet {
    std::vector<Column> columns;
    std::vector<Row> rows;
    int columnIndex(const std::string& name) const;  // case-insensitive; -1 if absent
};

}  // namespace mssql_sim
