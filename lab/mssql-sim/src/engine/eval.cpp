#include "engine/eval.hpp"

#include "engine/instance.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

namespace mssql_sim {

using sql::Expr;

namespace {
const std::set<std::string> kAggregates = {"count", "count_big", "max", "min", "sum", "avg"};

std::string joinName(const std::vector<std::string>& parts) {
    std::string s;
    for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? "." : "") + parts[i];
    return s;
}

Value arith(const std::string& op, const Value& a, const Value& b) {
    if (a.isNull() || b.isNull()) return Value::null(a.isNull() ? b.type : a.type);
    bool aStr = std::holds_alternative<std::string>(a.data), bStr = std::holds_alternative<std::string>(b.data);
    if (op == "+" && aStr && bStr) return Value::text(a.asText() + b.asText(), 4000);
    if (op == "+" && (aStr || bStr)) {
        // Type precedence: the string is converted to the number (error 245 if it is not one).
        const Value& num = aStr ? b : a;
        if (!num.type.isNumeric()) return Value::text(a.asText() + b.asText(), 4000);
    }
    bool isDouble = std::holds_alternative<double>(a.data) || std::holds_alternative<double>(b.data);
    if (!isDouble) {
        std::int64_t x = *a.asInt(), y = *b.asInt();
        SqlType t = (a.type.kind == TypeKind::Decimal || b.type.kind == TypeKind::Decimal) ? SqlType::decimal(25, 0)
                    : (a.type.kind == TypeKind::BigInt || b.type.kind == TypeKind::BigInt) ? SqlType::bigint()
                                                                                             : SqlType::integer();
        if (op == "+") return Value{t, x + y};
        if (op == "-") return Value{t, x - y};
        if (op == "*") return Value{t, x * y};
        if (op == "/") { if (y == 0) throw errors::divideByZero(); return Value{t, x / y}; }
        if (op == "%") { if (y == 0) throw errors::divideByZero(); return Value{t, x % y}; }
        if (op == "&") return Value{t, x & y};
        if (op == "|") return Value{t, x | y};
    }
    double x = *a.asDouble(), y = *b.asDouble();
    if (op == "+") return Value{SqlType::floating(), x + y};
    if (op == "-") return Value{SqlType::floating(), x - y};
    if (op == "*") return Value{SqlType::floating(), x * y};
    if (op == "/") { if (y == 0) throw errors::divideByZero(); return Value{SqlType::floating(), x / y}; }
    throw errors::syntax(op);
}

Value boolValue(std::optional<bool> b) {
    if (!b) return Value::null(SqlType::bit());
    return Value::boolean(*b);
}
}  // namespace

bool hasAggregate(const Expr& e) {
    if (e.k == Expr::K::Func && !e.parts.empty() && kAggregates.count(e.parts[0])) return true;
    for (const auto& a : e.args)
        if (a && hasAggregate(*a)) return true;
    return false;
}

bool likeMatch(const std::string& text, const std::string& pattern) {
    // %, _ and [set] wildcards, case-insensitive.
    std::string t = lowerAscii(text), p = lowerAscii(pattern);
    std::function<bool(std::size_t, std::size_t)> m = [&](std::size_t i, std::size_t j) -> bool {
        while (j < p.size()) {
            char c = p[j];
            if (c == '%') {
                for (std::size_t k = i; k <= t.size(); ++k)
                    if (m(k, j + 1)) return true;
                return false;
            }
            if (i >= t.size()) return false;
            if (c == '_') { ++i; ++j; continue; }
            if (c == '[') {
                auto close = p.find(']', j + 1);
                if (close != std::string::npos) {
                    std::string set = p.substr(j + 1, close - j - 1);
                    bool neg = !set.empty() && set[0] == '^';
                    if (neg) set.erase(0, 1);
                    bool in = false;
                    for (std::size_t k = 0; k < set.size(); ++k) {
                        if (k + 2 < set.size() && set[k + 1] == '-') {
                            if (t[i] >= set[k] && t[i] <= set[k + 2]) in = true;
                            k += 2;
                        } else if (set[k] == t[i]) {
                            in = true;
                        }
                    }
                    if (in == neg) return false;
                    ++i;
                    j = close + 1;
                    continue;
                }
            }
            if (c != t[i]) return false;
            ++i;
            ++j;
        }
        return i == t.size();
    };
    return m(0, 0);
}

Value Evaluator::globalVar(const std::string& name) {
    auto& inst = ctx_.inst;
    if (name == "spid") return Value::integer(ctx_.session.spid, SqlType::smallint());
    if (name == "servername" || name == "servicename") return Value::text(name == "servername" ? inst.st.name : "MSSQLSERVER", 128);
    if (name == "version")
        return Value::text(fmt::format("Microsoft SQL Server 2022 (RTM) - 16.0.1000.6 (X64) mssql-sim instance {}", inst.st.name), 300);
    if (name == "rowcount") return Value::integer(ctx_.session.rowcount);
    if (name == "error") return Value::integer(ctx_.session.lastError);
    if (name == "trancount") return Value::integer(ctx_.session.trancount);
    if (name == "language") return Value::text("us_english", 128);
    if (name == "max_connections") return Value::integer(32767);
    if (name == "procid") return Value::integer(0);
    if (name == "microsoftversion") return Value::integer(0x10000000 | 1000);
    throw errors::mustDeclare("@@" + name);
}

Value Evaluator::column(const Expr& e, const RowScope* row) {
    const std::string& col = e.parts.back();
    std::string qual = e.parts.size() >= 2 ? e.parts[e.parts.size() - 2] : "";
    for (const RowScope* s = row; s; s = s->outer) {
        const Value* found = nullptr;
        for (const auto& src : s->sources) {
            if (!qual.empty() && !iequals(src.alias, qual)) continue;
            for (std::size_t i = 0; i < src.cols->size(); ++i) {
                if (iequals((*src.cols)[i].name, col)) {
                    if (found) throw errors::ambiguousColumn(col);
                    found = &(*src.row)[i];
                }
            }
        }
        if (found) return *found;
    }
    if (!qual.empty()) throw SqlError(4104, 16, 1, fmt::format("The multi-part identifier \"{}\" could not be bound.", joinName(e.parts)));
    throw errors::invalidColumn(col);
}

Value Evaluator::binary(const Expr& e, const RowScope* row) {
    const std::string& op = e.op;
    if (op == "and" || op == "or") {
        Value a = eval(*e.args[0], row);
        std::optional<bool> x = a.isNull() ? std::nullopt : std::optional<bool>(a.truthy());
        if (op == "and" && x == false) return Value::boolean(false);
        if (op == "or" && x == true) return Value::boolean(true);
        Value b = eval(*e.args[1], row);
        std::optional<bool> y = b.isNull() ? std::nullopt : std::optional<bool>(b.truthy());
        if (op == "and") {
            if (y == false) return Value::boolean(false);
            if (x && y) return Value::boolean(true);
            return boolValue(std::nullopt);
        }
        if (y == true) return Value::boolean(true);
        if (x && y) return Value::boolean(false);
        return boolValue(std::nullopt);
    }
    Value a = eval(*e.args[0], row), b = eval(*e.args[1], row);
    if (op == "=" || op == "<>" || op == "!=" || op == "<" || op == ">" || op == "<=" || op == ">=" || op == "!<" || op == "!>") {
        auto c = compareValues(a, b);
        if (!c) return boolValue(std::nullopt);
        bool r = op == "=" ? *c == 0 : (op == "<>" || op == "!=") ? *c != 0 : op == "<" ? *c < 0 : op == ">" ? *c > 0
               : op == "<=" || op == "!>" ? *c <= 0 : *c >= 0;
        return Value::boolean(r);
    }
    return arith(op, a, b);
}

Value Evaluator::aggregate(const Expr& e, const RowScope* row) {
    const std::string& f = e.parts[0];
    if (!row || !row->group) throw SqlError(147, 15, 1, "An aggregate may not appear in the WHERE clause unless it is in a subquery contained in a HAVING clause or a select list, and the column being aggregated is an outer reference.");
    const auto& rows = *row->group;
    if (f == "count" || f == "count_big") {
        std::int64_t n = 0;
        bool star = e.args.empty() || e.args[0]->k == Expr::K::Star;
        for (const auto& r : rows)
            if (star || !eval(*e.args[0], &r).isNull()) ++n;
        return Value::integer(n, f == "count" ? SqlType::integer() : SqlType::bigint());
    }
    std::optional<Value> acc;
    double sum = 0;
    std::int64_t n = 0;
    SqlType t = SqlType::integer();
    for (const auto& r : rows) {
        Value v = eval(*e.args[0], &r);
        t = v.type;
        if (v.isNull()) continue;
        ++n;
        if (f == "sum" || f == "avg") {
            sum += *v.asDouble();
            continue;
        }
        if (!acc) { acc = v; continue; }
        auto c = compareValues(v, *acc);
        if (c && ((f == "max" && *c > 0) || (f == "min" && *c < 0))) acc = v;
    }
    if (f == "max" || f == "min") return acc ? *acc : Value::null(t);
    if (n == 0) return Value::null(t);
    if (f == "sum") return t.isInteger() ? Value{t, static_cast<std::int64_t>(sum)} : Value{SqlType::floating(), sum};
    return t.isInteger() ? Value{t, static_cast<std::int64_t>(sum / static_cast<double>(n))} : Value{SqlType::floating(), sum / static_cast<double>(n)};
}

Value Evaluator::eval(const Expr& e, const RowScope* row) {
    switch (e.k) {
    case Expr::K::Literal: return e.lit;
    case Expr::K::Column: return column(e, row);
    case Expr::K::Var: {
        auto it = ctx_.scope.vars.find(e.parts[0]);
        if (it == ctx_.scope.vars.end()) throw errors::mustDeclare("@" + e.parts[0]);
        return it->second;
    }
    case Expr::K::GlobalVar: return globalVar(e.parts[0]);
    case Expr::K::Unary: {
        Value v = eval(*e.args[0], row);
        if (e.op == "not") return v.isNull() ? boolValue(std::nullopt) : Value::boolean(!v.truthy());
        if (v.isNull()) return v;
        if (e.op == "-") {
            if (std::holds_alternative<double>(v.data)) return Value{v.type, -std::get<double>(v.data)};
            return Value{v.type, -*v.asInt()};
        }
        return Value{v.type, ~*v.asInt()};
    }
    case Expr::K::Binary: return binary(e, row);
    case Expr::K::Func: return kAggregates.count(e.parts[0]) ? aggregate(e, row) : function(e, row);
    case Expr::K::Cast: {
        Value v = eval(*e.args[0], row);
        return castValue(v, e.castType);
    }
    case Expr::K::Case: {
        std::size_t i = 0;
        std::optional<Value> operand;
        if (e.hasCaseOperand) operand = eval(*e.args[i++], row);
        std::size_t pairsEnd = e.args.size() - (e.hasElse ? 1 : 0);
        SqlType t = SqlType::nvarchar();
        for (; i + 1 < pairsEnd + 1 && i < pairsEnd; i += 2) {
            Value w = eval(*e.args[i], row);
            bool hit = operand ? compareValues(*operand, w) == 0 : w.truthy();
            if (hit) return eval(*e.args[i + 1], row);
            t = e.args[i + 1]->k == Expr::K::Literal ? e.args[i + 1]->lit.type : t;
        }
        if (e.hasElse) return eval(*e.args.back(), row);
        return Value::null(t);
    }
    case Expr::K::IsNull: {
        bool n = eval(*e.args[0], row).isNull();
        return Value::boolean(e.negated ? !n : n);
    }
    case Expr::K::In: {
        Value v = eval(*e.args[0], row);
        if (v.isNull()) return boolValue(std::nullopt);
        bool sawNull = false;
        auto test = [&](const Value& x) {
            auto c = compareValues(v, x);
            if (!c) sawNull = true;
            return c == 0;
        };
        bool found = false;
        if (e.sub) {
            ResultSet rs = select(*e.sub, row);
            for (const auto& r : rs.rows)
                if (!r.empty() && test(r[0])) { found = true; break; }
        } else {
            for (std::size_t i = 1; i < e.args.size() && !found; ++i) found = test(eval(*e.args[i], row));
        }
        if (found) return Value::boolean(!e.negated);
        if (sawNull) return boolValue(std::nullopt);
        return Value::boolean(e.negated);
    }
    case Expr::K::Like: {
        Value v = eval(*e.args[0], row), p = eval(*e.args[1], row);
        if (v.isNull() || p.isNull()) return boolValue(std::nullopt);
        bool m = likeMatch(v.asText(), p.asText());
        return Value::boolean(e.negated ? !m : m);
    }
    case Expr::K::Between: {
        Value v = eval(*e.args[0], row), lo = eval(*e.args[1], row), hi = eval(*e.args[2], row);
        auto a = compareValues(v, lo), b = compareValues(v, hi);
        if (!a || !b) return boolValue(std::nullopt);
        bool in = *a >= 0 && *b <= 0;
        return Value::boolean(e.negated ? !in : in);
    }
    case Expr::K::Exists: return Value::boolean(!select(*e.sub, row).rows.empty());
    case Expr::K::Subquery: {
        ResultSet rs = select(*e.sub, row);
        if (rs.rows.size() > 1)
            throw SqlError(512, 16, 1, "Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, >= or when the subquery is used as an expression.");
        if (rs.rows.empty() || rs.columns.empty()) return Value::null(rs.columns.empty() ? SqlType::integer() : rs.columns[0].type);
        return rs.rows[0][0];
    }
    case Expr::K::Star: throw errors::syntax("*");
    }
    return Value::null();
}

bool Evaluator::isAssignment(const sql::Select& q) const {
    for (const auto& it : q.items)
        if (!it.assignVar.empty()) return true;
    return false;
}

ResultSet Evaluator::select(const sql::Select& q, const RowScope* outer) {
    // 1. Sources: load every table, join them as nested loops.
    std::vector<std::unique_ptr<ResultSet>> tables;
    std::vector<std::unique_ptr<Row>> nullRows;
    std::vector<RowScope> rows;
    rows.push_back(RowScope{{}, outer, nullptr});
    for (const auto& ref : q.from) {
        auto rs = std::make_unique<ResultSet>();
        std::string alias = ref.alias;
        if (ref.derived) {
            *rs = select(*ref.derived, outer);
        } else {
            std::vector<Value> args;
            for (const auto& a : ref.args) args.push_back(eval(*a, outer));
            *rs = loadTable(ctx_, ref.name, args);
            if (alias.empty()) alias = ref.name.back();
        }
        auto nullRow = std::make_unique<Row>();
        for (const auto& c : rs->columns) nullRow->push_back(Value::null(c.type));
        std::vector<RowScope> joined;
        for (const auto& left : rows) {
            bool matched = false;
            for (const auto& r : rs->rows) {
                RowScope s = left;
                s.sources.push_back({alias, &rs->columns, &r});
                if (ref.on && !eval(*ref.on, &s).truthy()) continue;
                matched = true;
                joined.push_back(std::move(s));
            }
            if (!matched && ref.join == "left") {
                RowScope s = left;
                s.sources.push_back({alias, &rs->columns, nullRow.get()});
                joined.push_back(std::move(s));
            }
        }
        rows = std::move(joined);
        tables.push_back(std::move(rs));
        nullRows.push_back(std::move(nullRow));
    }
    // 2. WHERE.
    if (q.where) {
        std::vector<RowScope> kept;
        for (auto& r : rows)
            if (eval(*q.where, &r).truthy()) kept.push_back(std::move(r));
        rows = std::move(kept);
    }
    // 3. Grouping: GROUP BY, or one group when the select list aggregates.
    bool aggregates = !q.groupBy.empty();
    for (const auto& it : q.items)
        if (it.expr && hasAggregate(*it.expr)) aggregates = true;
    std::vector<std::vector<RowScope>> groups;
    std::vector<RowScope> units;  // what each output row is evaluated against
    if (aggregates) {
        if (q.groupBy.empty()) {
            groups.push_back(rows);
        } else {
            std::vector<std::pair<Row, std::size_t>> keys;
            for (auto& r : rows) {
                Row key;
                for (const auto& g : q.groupBy) key.push_back(eval(*g, &r));
                std::size_t gi = groups.size();
                for (const auto& [k, idx] : keys) {
                    bool same = true;
                    for (std::size_t i = 0; i < k.size() && same; ++i) {
                        auto c = compareValues(k[i], key[i]);
                        same = (k[i].isNull() && key[i].isNull()) || c == 0;
                    }
                    if (same) { gi = idx; break; }
                }
                if (gi == groups.size()) {
                    keys.emplace_back(key, gi);
                    groups.emplace_back();
                }
                groups[gi].push_back(r);
            }
        }
        for (const auto& g : groups) {
            RowScope u = g.empty() ? RowScope{rows.empty() ? std::vector<RowScope::Source>{} : rows[0].sources, outer, nullptr} : g[0];
            if (g.empty()) {
                // An aggregate over no rows still yields one row; columns read as NULL.
                u.sources.clear();
                for (std::size_t t = 0; t < tables.size(); ++t)
                    u.sources.push_back({q.from[t].alias.empty() && !q.from[t].name.empty() ? q.from[t].name.back() : q.from[t].alias, &tables[t]->columns, nullRows[t].get()});
            }
            u.group = &g;
            units.push_back(u);
        }
    } else {
        units = std::move(rows);
    }
    if (q.having) {
        std::vector<RowScope> kept;
        for (auto& u : units)
            if (eval(*q.having, &u).truthy()) kept.push_back(u);
        units = std::move(kept);
    }

    // 4. Assignment SELECT (@v = expr / @v += expr): runs per row, returns nothing.
    if (isAssignment(q)) {
        for (auto& u : units) {
            for (const auto& it : q.items) {
                if (it.assignVar.empty()) throw SqlError(141, 15, 1, "A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations.");
                auto var = ctx_.scope.vars.find(it.assignVar);
                if (var == ctx_.scope.vars.end()) throw errors::mustDeclare("@" + it.assignVar);
                Value v = eval(*it.expr, &u);
                if (it.assignOp == "=") var->second = castValue(v, var->second.type);
                else {
                    std::string op(1, it.assignOp[0]);
                    var->second = castValue(arith(op, var->second, v), var->second.type);
                }
            }
        }
        ctx_.session.rowcount = static_cast<std::int64_t>(units.size());
        return {};
    }

    // 5. Projection.
    ResultSet out;
    struct Item { const sql::Expr* expr; std::size_t src = 0; std::size_t col = 0; bool direct = false; };
    std::vector<Item> items;
    const RowScope* probe = units.empty() ? nullptr : &units[0];
    for (const auto& it : q.items) {
        if (it.star) {
            bool any = false;
            for (std::size_t t = 0; t < tables.size(); ++t) {
                std::string alias = q.from[t].alias.empty() && !q.from[t].name.empty() ? q.from[t].name.back() : q.from[t].alias;
                if (!it.starQualifier.empty() && !iequals(alias, it.starQualifier)) continue;
                any = true;
                for (std::size_t c = 0; c < tables[t]->columns.size(); ++c) {
                    out.columns.push_back(tables[t]->columns[c]);
                    items.push_back({nullptr, t, c, true});
                }
            }
            if (!any) {
                if (tables.empty()) throw SqlError(263, 16, 1, "Must specify table to select from.");
                throw SqlError(4104, 16, 1, fmt::format("The multi-part identifier \"{}\" could not be bound.", it.starQualifier));
            }
            continue;
        }
        Column c;
        c.name = !it.alias.empty() ? it.alias : it.expr->name();
        items.push_back({it.expr.get()});
        out.columns.push_back(c);
    }
    std::vector<std::pair<Row, Row>> produced;  // output row, order keys
    for (auto& u : units) {
        Row r;
        for (const auto& item : items) {
            if (item.direct) {
                // Star columns come straight from the source row of that table.
                const Row* src = nullptr;
                std::size_t seen = 0;
                for (const auto& s : u.sources) {
                    if (s.cols == &tables[item.src]->columns) { src = s.row; break; }
                    ++seen;
                }
                r.push_back(src ? (*src)[item.col] : Value::null());
            } else {
                r.push_back(eval(*item.expr, &u));
            }
        }
        Row keys;
        for (const auto& o : q.orderBy) {
            const Expr& oe = *o.expr;
            if (oe.k == Expr::K::Literal && std::holds_alternative<std::int64_t>(oe.lit.data)) {
                auto idx = std::get<std::int64_t>(oe.lit.data);
                if (idx < 1 || static_cast<std::size_t>(idx) > r.size())
                    throw SqlError(108, 16, 1, fmt::format("The ORDER BY position number {} is out of range of the number of items in the select list.", idx));
                keys.push_back(r[static_cast<std::size_t>(idx - 1)]);
                continue;
            }
            if (oe.k == Expr::K::Column && oe.parts.size() == 1) {
                int ci = out.columnIndex(oe.parts[0]);
                if (ci >= 0) { keys.push_back(r[static_cast<std::size_t>(ci)]); continue; }
            }
            keys.push_back(eval(oe, &u));
        }
        produced.emplace_back(std::move(r), std::move(keys));
    }
    if (!q.orderBy.empty()) {
        std::stable_sort(produced.begin(), produced.end(), [&](const auto& a, const auto& b) {
            for (std::size_t i = 0; i < q.orderBy.size(); ++i) {
                const Value& x = a.second[i];
                const Value& y = b.second[i];
                int c;
                if (x.isNull() || y.isNull()) c = x.isNull() == y.isNull() ? 0 : (x.isNull() ? -1 : 1);  // NULLs first
                else c = *compareValues(x, y);
                if (c != 0) return q.orderBy[i].desc ? c > 0 : c < 0;
            }
            return false;
        });
    }
    for (auto& p : produced) {
        if (q.distinct) {
            bool dup = false;
            for (const auto& existing : out.rows) {
                bool same = true;
                for (std::size_t i = 0; i < existing.size() && same; ++i)
                    same = (existing[i].isNull() && p.first[i].isNull()) || compareValues(existing[i], p.first[i]) == 0;
                if (same) { dup = true; break; }
            }
            if (dup) continue;
        }
        out.rows.push_back(std::move(p.first));
    }
    if (q.top) {
        auto n = eval(*q.top, outer).asInt();
        if (n && *n >= 0 && static_cast<std::size_t>(*n) < out.rows.size()) out.rows.resize(static_cast<std::size_t>(*n));
    }
    // Column types: the first non-NULL value's type, else the type of the (NULL) value itself.
    for (std::size_t c = 0; c < out.columns.size(); ++c) {
        if (items[c].direct) continue;
        bool set = false;
        for (const auto& r : out.rows)
            if (!r[c].isNull()) { out.columns[c].type = r[c].type; set = true; break; }
        if (!set) {
            if (!out.rows.empty()) out.columns[c].type = out.rows[0][c].type;
            else {
                try {
                    // Probe with NULL source rows to learn the type of an empty column.
                    RowScope p;
                    p.outer = outer;
                    for (std::size_t t = 0; t < tables.size(); ++t)
                        p.sources.push_back({q.from[t].alias.empty() && !q.from[t].name.empty() ? q.from[t].name.back() : q.from[t].alias, &tables[t]->columns, nullRows[t].get()});
                    std::vector<RowScope> empty;
                    p.group = aggregates ? &empty : nullptr;
                    out.columns[c].type = eval(*items[c].expr, probe ? probe : &p).type;
                } catch (const SqlError&) {
                    out.columns[c].type = SqlType::nvarchar();
                }
            }
        }
    }
    ctx_.session.rowcount = static_cast<std::int64_t>(out.rows.size());
    return out;
}

}  // namespace mssql_sim
