// Built-in scalar functions.
#include "engine/eval.hpp"
#include "engine/instance.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace mssql_sim {

namespace {
void arity(const sql::Expr& e, std::size_t lo, std::size_t hi) {
    if (e.args.size() < lo || e.args.size() > hi)
        throw SqlError(174, 15, 1, fmt::format("The {} function requires {} argument(s).", e.parts[0], lo));
}

std::int64_t unitMs(const std::string& unit) {
    std::string u = lowerAscii(unit);
    if (u == "millisecond" || u == "ms") return 1;
    if (u == "second" || u == "ss" || u == "s") return 1000;
    if (u == "minute" || u == "mi" || u == "n") return 60000;
    if (u == "hour" || u == "hh") return 3600000;
    if (u == "day" || u == "dd" || u == "d") return 86400000;
    throw SqlError(155, 15, 1, fmt::format("'{}' is not a recognized datediff option.", unit));
}

std::string unitName(const sql::Expr& e) {
    // DATEDIFF(minute, ...): the unit is parsed as a column name.
    if (e.k == sql::Expr::K::Column && e.parts.size() == 1) return e.parts[0];
    if (e.k == sql::Expr::K::Literal) return e.lit.asText();
    throw errors::syntax("(");
}
}  // namespace

Value Evaluator::function(const sql::Expr& e, const RowScope* row) {
    const std::string& f = e.parts[0];
    auto arg = [&](std::size_t i) { return eval(*e.args.at(i), row); };
    auto& inst = ctx_.inst;
    if (f == "db_id") {
        arity(e, 0, 1);
        if (e.args.empty()) return Value::integer(ctx_.session.databaseId, SqlType::smallint());
        Value n = arg(0);
        if (n.isNull()) return Value::null(SqlType::smallint());
        auto* d = inst.findDb(n.asText());
        return d ? Value::integer(d->database_id, SqlType::smallint()) : Value::null(SqlType::smallint());
    }
    if (f == "db_name") {
        arity(e, 0, 1);
        int id = ctx_.session.databaseId;
        if (!e.args.empty()) {
            Value v = arg(0);
            if (v.isNull()) return Value::null(SqlType::nvarchar(128));
            id = static_cast<int>(*v.asInt());
        }
        auto* d = inst.findDbById(id);
        return d ? Value::text(d->name, 128) : Value::null(SqlType::nvarchar(128));
    }
    if (f == "isnull") {
        arity(e, 2, 2);
        Value a = arg(0);
        if (!a.isNull()) return a;
        Value b = arg(1);
        return a.type.kind == TypeKind::NVarChar && !b.isNull() ? castValue(b, a.type) : b;
    }
    if (f == "coalesce" || f == "iif" || f == "nullif") {
        if (f == "iif") {
            arity(e, 3, 3);
            return arg(0).truthy() ? arg(1) : arg(2);
        }
        if (f == "nullif") {
            arity(e, 2, 2);
            Value a = arg(0);
            return compareValues(a, arg(1)) == 0 ? Value::null(a.type) : a;
        }
        Value last = Value::null();
        for (std::size_t i = 0; i < e.args.size(); ++i) {
            last = arg(i);
            if (!last.isNull()) return last;
        }
        return last;
    }
    if (f == "getdate" || f == "sysdatetime" || f == "getutcdate" || f == "sysutcdatetime" || f == "current_timestamp")
        return Value::datetime(DateTime{inst.nowMs()});
    if (f == "newid") return Value::guid(Guid::random());
    if (f == "serverproperty") {
        arity(e, 1, 1);
        std::string p = lowerAscii(arg(0).asText());
        if (p == "servername" || p == "machinename") return Value::text(inst.st.name, 128);
        if (p == "instancename") return Value::null(SqlType::nvarchar(128));
        if (p == "productversion") return Value::text("16.0.1000.6", 128);
        if (p == "productlevel") return Value::text("RTM", 128);
        if (p == "edition") return Value::text("Developer Edition (64-bit)", 128);
        if (p == "engineedition") return Value::integer(3);
        if (p == "ishadrenabled" || p == "isclustered" || p == "issingleuser") return Value::integer(0);
        if (p == "collation") return Value::text("SQL_Latin1_General_CP1_CI_AS", 128);
        return Value::null(SqlType::nvarchar(128));
    }
    if (f == "databasepropertyex") {
        arity(e, 2, 2);
        auto* d = inst.findDb(arg(0).asText());
        if (!d) return Value::null(SqlType::nvarchar(128));
        std::string p = lowerAscii(arg(1).asText());
        if (p == "status") return Value::text(d->state_desc, 128);
        if (p == "recovery") return Value::text(d->recovery_model_desc, 128);
        if (p == "useraccess") return Value::text(d->user_access_desc, 128);
        if (p == "updateability") return Value::text(d->is_read_only || d->is_in_standby ? "READ_ONLY" : "READ_WRITE", 128);
        if (p == "isinstandby") return Value::integer(d->is_in_standby ? 1 : 0);
        return Value::null(SqlType::nvarchar(128));
    }
    if (f == "suser_sname" || f == "suser_name" || f == "system_user" || f == "original_login")
        return Value::text(ctx_.session.login, 128);
    if (f == "user_name" || f == "current_user") return Value::text("dbo", 128);
    if (f == "host_name") return Value::text("localhost", 128);
    if (f == "app_name") return Value::text("", 128);
    if (f == "is_srvrolemember" || f == "has_perms_by_name" || f == "is_member")
        return Value::integer(iequals(ctx_.session.login, "sa") ? 1 : 0);
    if (f == "object_id") return Value::null(SqlType::integer());
    if (f == "upper" || f == "lower" || f == "ltrim" || f == "rtrim" || f == "trim" || f == "len" || f == "reverse") {
        arity(e, 1, 1);
        Value v = arg(0);
        if (v.isNull()) return f == "len" ? Value::null(SqlType::integer()) : v;
        std::string s = v.asText();
        if (f == "upper") return Value::text(upperAscii(s));
        if (f == "lower") return Value::text(lowerAscii(s));
        if (f == "ltrim" || f == "trim") s.erase(0, s.find_first_not_of(' '));
        if (f == "rtrim" || f == "trim" || f == "len") {
            auto p = s.find_last_not_of(' ');
            s.erase(p == std::string::npos ? 0 : p + 1);
        }
        if (f == "len") return Value::integer(static_cast<std::int64_t>(s.size()));
        if (f == "reverse") std::reverse(s.begin(), s.end());
        return Value::text(s);
    }
    if (f == "left" || f == "right") {
        arity(e, 2, 2);
        Value v = arg(0);
        if (v.isNull()) return v;
        std::string s = v.asText();
        auto n = static_cast<std::size_t>(std::max<std::int64_t>(0, *arg(1).asInt()));
        if (n >= s.size()) return Value::text(s);
        return Value::text(f == "left" ? s.substr(0, n) : s.substr(s.size() - n));
    }
    if (f == "substring") {
        arity(e, 3, 3);
        Value v = arg(0);
        if (v.isNull()) return v;
        std::string s = v.asText();
        std::int64_t start = *arg(1).asInt(), len = *arg(2).asInt();
        std::int64_t from = std::max<std::int64_t>(start, 1) - 1;
        std::int64_t to = std::min<std::int64_t>(static_cast<std::int64_t>(s.size()), start - 1 + len);
        if (to <= from) return Value::text("");
        return Value::text(s.substr(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from)));
    }
    if (f == "replace") {
        arity(e, 3, 3);
        Value v = arg(0);
        if (v.isNull()) return v;
        std::string s = v.asText(), from = arg(1).asText(), to = arg(2).asText();
        if (from.empty()) return Value::text(s);
        std::string out;
        std::string ls = lowerAscii(s), lf = lowerAscii(from);
        std::size_t i = 0;
        for (;;) {
            auto p = ls.find(lf, i);
            if (p == std::string::npos) { out += s.substr(i); break; }
            out += s.substr(i, p - i) + to;
            i = p + from.size();
        }
        return Value::text(out);
    }
    if (f == "charindex") {
        arity(e, 2, 3);
        std::string needle = lowerAscii(arg(0).asText()), hay = lowerAscii(arg(1).asText());
        std::size_t start = e.args.size() == 3 ? static_cast<std::size_t>(std::max<std::int64_t>(1, *arg(2).asInt()) - 1) : 0;
        auto p = hay.find(needle, start);
        return Value::integer(p == std::string::npos ? 0 : static_cast<std::int64_t>(p + 1));
    }
    if (f == "concat") {
        std::string s;
        for (std::size_t i = 0; i < e.args.size(); ++i) s += arg(i).asText();
        return Value::text(s);
    }
    if (f == "quotename") {
        arity(e, 1, 2);
        Value v = arg(0);
        if (v.isNull()) return v;
        std::string q = e.args.size() == 2 ? arg(1).asText() : "[";
        char open = q.empty() ? '[' : q[0];
        char close = open == '[' ? ']' : open == '(' ? ')' : open;
        std::string s(1, open);
        for (char c : v.asText()) {
            s.push_back(c);
            if (c == close) s.push_back(c);
        }
        s.push_back(close);
        return Value::text(s, 258);
    }
    if (f == "abs") {
        arity(e, 1, 1);
        Value v = arg(0);
        if (v.isNull()) return v;
        if (std::holds_alternative<double>(v.data)) return Value{v.type, std::fabs(std::get<double>(v.data))};
        return Value{v.type, std::llabs(*v.asInt())};
    }
    if (f == "datediff" || f == "datediff_big") {
        arity(e, 3, 3);
        std::int64_t unit = unitMs(unitName(*e.args[0]));
        Value a = castValue(arg(1), SqlType::datetime()), b = castValue(arg(2), SqlType::datetime());
        if (a.isNull() || b.isNull()) return Value::null(SqlType::integer());
        auto floorDiv = [](std::int64_t x, std::int64_t y) { return x >= 0 ? x / y : (x - y + 1) / y; };
        return Value::integer(floorDiv(std::get<DateTime>(b.data).ms, unit) - floorDiv(std::get<DateTime>(a.data).ms, unit));
    }
    if (f == "dateadd") {
        arity(e, 3, 3);
        std::int64_t unit = unitMs(unitName(*e.args[0]));
        Value d = castValue(arg(2), SqlType::datetime());
        if (d.isNull()) return d;
        return Value::datetime(DateTime{std::get<DateTime>(d.data).ms + *arg(1).asInt() * unit});
    }
    if (f == "str") {
        arity(e, 1, 3);
        return Value::text(arg(0).asText());
    }
    throw SqlError(195, 15, 10, fmt::format("'{}' is not a recognized built-in function name.", f));
}

}  // namespace mssql_sim
