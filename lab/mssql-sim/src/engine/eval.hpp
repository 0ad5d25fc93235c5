// Expression evaluation and SELECT execution over the simulator's tables.
#pragma once

#include "engine/context.hpp"
#include "sql/ast.hpp"
#include "sql/result.hpp"

#include <memory>
#include <vector>

namespace mssql_sim {

// One source row of a query (a table row under its alias), chained to the enclosing query.
struct RowScope {
    struct Source {
        std::string alias;  // alias or the table's own name
        const std::vector<Column>* cols = nullptr;
        const Row* row = nullptr;
    };
    std::vector<Source> sources;
    const RowScope* outer = nullptr;
    const std::vector<RowScope>* group = nullptr;  // rows of the group, for aggregates
};

class Evaluator {
public:
    explicit Evaluator(ExecContext& ctx) : ctx_(ctx) {}
    Value eval(const sql::Expr& e, const RowScope* row);
    // Runs a query; SELECT @v = ... items assign variables instead of returning rows.
    ResultSet select(const sql::Select& q, const RowScope* outer = nullptr);
    bool isAssignment(const sql::Select& q) const;

private:
    Value column(const sql::Expr& e, const RowScope* row);
    Value function(const sql::Expr& e, const RowScope* row);
    Value aggregate(const sql::Expr& e, const RowScope* row);
    Value binary(const sql::Expr& e, const RowScope* row);
    Value globalVar(const std::string& name);
    ExecContext& ctx_;
};

bool likeMatch(const std::string& text, const std::string& pattern);
bool hasAggregate(const sql::Expr& e);

// System views and msdb tables, resolved from a (1- to 3-part) name.
ResultSet loadTable(ExecContext& ctx, const std::vector<std::string>& parts, const std::vector<Value>& args);

}  // namespace mssql_sim
