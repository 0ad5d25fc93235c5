#include "sql/result.hpp"

namespace mssql_sim {

int ResultSet::columnIndex(const std::string& name) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (iequals(columns[i].name, name)) return static_cast<int>(i);
    return -1;
}

}  // namespace mssql_sim
