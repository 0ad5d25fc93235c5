// System procedures: sp_executesql, sp_who/sp_who2, xp_dirtree, sp_change_users_login,
// sp_sim_control; msdb procedures are delegated to runMsdbProcedure.
#include "engine/executor.hpp"
#include "engine/instance.hpp"
#include "sql/parser.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

namespace mssql_sim {

namespace {

void spWho(Executor& ex, bool two) {
    Instance& inst = ex.inst();
    ResultSet rs;
    auto col = [&](const char* n, SqlType t) { rs.columns.push_back({n, t, true}); };
    if (two) {
        for (const char* n : {"SPID", "Status", "Login", "HostName", "BlkBy", "DBName", "Command", "CPUTime", "DiskIO", "LastBatch", "ProgramName", "SPID", "REQUESTID"})
            col(n, std::string(n) == "REQUESTID" || std::string(n) == "CPUTime" || std::string(n) == "DiskIO" ? SqlType::integer() : SqlType::nvarchar(128));
    } else {
        col("spid", SqlType::smallint());
        col("ecid", SqlType::smallint());
        col("status", SqlType::nvarchar(30));
        col("loginame", SqlType::nvarchar(128));
        col("hostname", SqlType::nvarchar(128));
        col("blk", SqlType::nvarchar(5));
        col("dbname", SqlType::nvarchar(128));
        col("cmd", SqlType::nvarchar(16));
        col("request_id", SqlType::integer());
    }
    for (const auto& [id, s] : inst.sessions) {
        auto* d = inst.findDbById(s.databaseId);
        std::string db = d ? d->name : "master";
        bool self = id == ex.session().spid;
        std::string status = self ? "RUNNABLE" : "sleeping";
        std::string cmd = self ? "SELECT INTO" : "AWAITING COMMAND";
        if (two)
            rs.rows.push_back({Value::text(fmt::format("{:<5}", id), 128), Value::text(status, 128), Value::text(s.login, 128),
                               Value::text(s.host, 128), Value::text("  .", 128), Value::text(db, 128), Value::text(cmd, 128),
                               Value::integer(0), Value::integer(0), Value::text(DateTime{s.lastRequestStart}.toString().substr(5, 14), 128),
                               Value::text(s.program, 128), Value::text(fmt::format("{:<5}", id), 128), Value::integer(0)});
        else
            rs.rows.push_back({Value::integer(id, SqlType::smallint()), Value::integer(0, SqlType::smallint()),
                               Value::text(status, 30), Value::text(s.login, 128), Value::text(s.host, 128),
                               Value::text("0", 5), Value::text(db, 128), Value::text(cmd, 16), Value::integer(0)});
    }
    ex.sink().resultSet(rs);
}

void xpDirtree(Executor& ex, std::vector<ProcArg>& args) {
    ProcParams p("xp_dirtree", {"@directory", "@depth", "@file"}, args);
    std::filesystem::path root = p.str("@directory");
    int maxDepth = static_cast<int>(p.num("@depth", 0));
    bool files = p.num("@file", 0) != 0;
    ResultSet rs;
    rs.columns = {{"subdirectory", SqlType::nvarchar(512), true}, {"depth", SqlType::integer(), true}};
    if (files) rs.columns.push_back({"file", SqlType::integer(), true});
    std::error_code ec;
    std::function<void(const std::filesystem::path&, int)> walk = [&](const std::filesystem::path& dir, int depth) {
        std::vector<std::filesystem::directory_entry> entries;
        for (const auto& e : std::filesystem::directory_iterator(dir, ec)) entries.push_back(e);
        std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
        for (const auto& e : entries) {
            bool isDir = e.is_directory(ec);
            if (!isDir && !files) continue;
            Row r{Value::text(e.path().filename().string(), 512), Value::integer(depth)};
            if (files) r.push_back(Value::integer(isDir ? 0 : 1));
            rs.rows.push_back(std::move(r));
            if (isDir && (maxDepth == 0 || depth < maxDepth)) walk(e.path(), depth + 1);
        }
    };
    // Like SQL Server, a path that cannot be read gives an empty result, not an error.
    if (!root.empty() && std::filesystem::is_directory(root, ec)) walk(root, 1);
    ex.sink().resultSet(rs);
}

void changeUsersLogin(Executor& ex, std::vector<ProcArg>& args) {
    ProcParams p("sp_change_users_login", {"@action", "@usernamepattern", "@loginname", "@password"}, args);
    std::string action = lowerAscii(p.require("@action"));
    Instance& inst = ex.inst();
    Database* d = inst.findDbById(ex.session().databaseId);
    if (action == "report") {
        ResultSet rs;
        rs.columns = {{"UserName", SqlType::nvarchar(128), true}, {"UserSID", SqlType::varbinary(85), true}};
        for (const auto& u : d->users) {
            if (u.sid.empty() || inst.findLoginBySid(u.sid)) continue;
            Bytes b;
            for (std::size_t i = 2; i + 1 < u.sid.size(); i += 2) b.push_back(static_cast<std::uint8_t>(std::stoi(u.sid.substr(i, 2), nullptr, 16)));
            rs.rows.push_back({Value::text(u.name, 128), Value{SqlType::varbinary(85), b}});
        }
        ex.sink().resultSet(rs);
        return;
    }
    if (action == "update_one" || action == "auto_fix") {
        std::string user = p.require("@usernamepattern");
        std::string login = p.str("@loginname", user);
        DbUser* u = nullptr;
        for (auto& x : d->users)
            if (iequals(x.name, user)) u = &x;
        if (!u) throw SqlError(15291, 16, 1, fmt::format("Terminating this procedure. The User name '{}' is absent or invalid.", user));
        Login* l = inst.findLogin(login);
        if (!l) throw SqlError(15291, 16, 1, fmt::format("Terminating this procedure. The Login name '{}' is absent or invalid.", login));
        u->sid = l->sid;
        inst.save();
        return;
    }
    throw SqlError(15286, 16, 1, fmt::format("Terminating this procedure. The Action '{}' is unknown.", action));
}

void simControl(Executor& ex, std::vector<ProcArg>& args) {
    ProcParams p("sp_sim_control", {"@command"}, args);
    std::string command = p.require("@command");
    if (!ex.services().control) throw errors::notSupported("the control interface here");
    std::vector<std::string> lines;
    ex.unlocked([&] { lines = ex.services().control(command); });
    ResultSet rs;
    rs.columns = {{"output", SqlType::nvarchar(4000), true}};
    for (auto& l : lines) rs.rows.push_back({Value::text(l)});
    ex.sink().resultSet(rs);
}

// ODBC's SQLGetTypeInfo (FreeTDS sends sp_datatype_info_100); Poco::Data needs it to bind parameters.
void datatypeInfo(Executor& ex, std::vector<ProcArg>& args) {
    ProcParams p("sp_datatype_info_100", {"@data_type", "@odbcver"}, args);
    auto want = p.num("@data_type", 0);
    struct T { const char* name; int type; int precision; const char* prefix; const char* suffix; const char* params; int caseSensitive; int searchable; int unsignedAttr; int money; int minScale; int maxScale; int sqlType; int sub; int radix; int userType; };
    static const T types[] = {
        {"uniqueidentifier", -11, 36, "'", "'", "", 0, 2, -1, 0, -1, -1, -11, -1, -1, 0},
        {"ntext", -10, 1073741823, "N'", "'", "", 0, 1, -1, 0, -1, -1, -10, -1, -1, 0},
        {"nvarchar", -9, 4000, "N'", "'", "max length", 0, 3, -1, 0, -1, -1, -9, -1, -1, 0},
        {"sysname", -9, 128, "N'", "'", "", 0, 3, -1, 0, -1, -1, -9, -1, -1, 18},
        {"nchar", -8, 4000, "N'", "'", "length", 0, 3, -1, 0, -1, -1, -8, -1, -1, 0},
        {"bit", -7, 1, "", "", "", 0, 2, -1, 0, 0, 0, -7, -1, -1, 16},
        {"tinyint", -6, 3, "", "", "", 0, 2, 1, 0, 0, 0, -6, -1, 10, 5},
        {"bigint", -5, 19, "", "", "", 0, 2, 0, 0, 0, 0, -5, -1, 10, 0},
        {"image", -4, 2147483647, "0x", "", "", 0, 0, -1, 0, -1, -1, -4, -1, -1, 20},
        {"varbinary", -3, 8000, "0x", "", "max length", 0, 2, -1, 0, -1, -1, -3, -1, -1, 4},
        {"binary", -2, 8000, "0x", "", "length", 0, 2, -1, 0, -1, -1, -2, -1, -1, 3},
        {"text", -1, 2147483647, "'", "'", "", 0, 1, -1, 0, -1, -1, -1, -1, -1, 19},
        {"char", 1, 8000, "'", "'", "length", 0, 3, -1, 0, -1, -1, 1, -1, -1, 1},
        {"numeric", 2, 38, "", "", "precision,scale", 0, 2, 0, 0, 0, 38, 2, -1, 10, 10},
        {"decimal", 3, 38, "", "", "precision,scale", 0, 2, 0, 0, 0, 38, 3, -1, 10, 24},
        {"int", 4, 10, "", "", "", 0, 2, 0, 0, 0, 0, 4, -1, 10, 7},
        {"smallint", 5, 5, "", "", "", 0, 2, 0, 0, 0, 0, 5, -1, 10, 6},
        {"float", 6, 53, "", "", "", 0, 2, 0, 0, -1, -1, 6, -1, 2, 8},
        {"real", 7, 24, "", "", "", 0, 2, 0, 0, -1, -1, 7, -1, 2, 0},
        {"date", 91, 10, "'", "'", "", 0, 3, -1, 0, -1, -1, 9, 1, -1, 0},
        {"datetime", 93, 23, "'", "'", "", 0, 3, -1, 0, 3, 3, 9, 3, -1, 12},
        {"varchar", 12, 8000, "'", "'", "max length", 0, 3, -1, 0, -1, -1, 12, -1, -1, 2},
    };
    ResultSet rs;
    auto col = [&](const char* n, SqlType t) { rs.columns.push_back({n, t, true}); };
    col("TYPE_NAME", SqlType::nvarchar(128)); col("DATA_TYPE", SqlType::smallint()); col("PRECISION", SqlType::integer());
    col("LITERAL_PREFIX", SqlType::nvarchar(32)); col("LITERAL_SUFFIX", SqlType::nvarchar(32)); col("CREATE_PARAMS", SqlType::nvarchar(32));
    col("NULLABLE", SqlType::smallint()); col("CASE_SENSITIVE", SqlType::smallint()); col("SEARCHABLE", SqlType::smallint());
    col("UNSIGNED_ATTRIBUTE", SqlType::smallint()); col("MONEY", SqlType::smallint()); col("AUTO_INCREMENT", SqlType::smallint());
    col("LOCAL_TYPE_NAME", SqlType::nvarchar(128)); col("MINIMUM_SCALE", SqlType::smallint()); col("MAXIMUM_SCALE", SqlType::smallint());
    col("SQL_DATA_TYPE", SqlType::smallint()); col("SQL_DATETIME_SUB", SqlType::smallint()); col("NUM_PREC_RADIX", SqlType::integer());
    col("INTERVAL_PRECISION", SqlType::smallint()); col("USERTYPE", SqlType::smallint());
    auto opt = [](int v, SqlType t) { return v < 0 ? Value::null(t) : Value::integer(v, t); };
    auto optText = [](const char* v, int len) { return *v ? Value::text(v, len) : Value::null(SqlType::nvarchar(len)); };
    for (const auto& t : types) {
        if (want != 0 && t.type != want) continue;
        rs.rows.push_back({Value::text(t.name, 128), Value::integer(t.type, SqlType::smallint()), Value::integer(t.precision),
                           optText(t.prefix, 32), optText(t.suffix, 32), optText(t.params, 32), Value::integer(1, SqlType::smallint()),
                           Value::integer(t.caseSensitive, SqlType::smallint()), Value::integer(t.searchable, SqlType::smallint()),
                           opt(t.unsignedAttr, SqlType::smallint()), Value::integer(t.money, SqlType::smallint()),
                           opt(t.unsignedAttr < 0 ? -1 : 0, SqlType::smallint()), Value::text(t.name, 128),
                           opt(t.minScale, SqlType::smallint()), opt(t.maxScale, SqlType::smallint()),
                           Value::integer(t.sqlType, SqlType::smallint()), opt(t.sub, SqlType::smallint()), opt(t.radix, SqlType::integer()),
                           Value::null(SqlType::smallint()), Value::integer(t.userType, SqlType::smallint())});
    }
    ex.sink().resultSet(rs);
}

void executeSql(Executor& ex, std::vector<ProcArg>& args) {
    if (args.empty()) throw errors::paramMissing("sp_executesql", "@statement");
    std::string stmt = args[0].value.asText();
    Scope scope;
    if (args.size() > 1) {
        auto decls = sql::parseParamDecls(args[1].value.asText());
        for (const auto& [name, type] : decls) scope.vars[name.substr(0)] = Value::null(type);
        std::size_t positional = 0;
        for (std::size_t i = 2; i < args.size(); ++i) {
            std::string name = args[i].name.empty() ? (positional < decls.size() ? decls[positional].first : "") : lowerAscii(args[i].name);
            ++positional;
            if (name.rfind('@', 0) == 0) name.erase(0, 1);
            if (name.empty() || !scope.vars.count(name)) throw errors::tooManyArgs("sp_executesql");
            scope.vars[name] = castValue(args[i].value, scope.vars[name].type);
        }
    }
    ex.runBatch(stmt, scope);
}

}  // namespace

int Executor::callProcedure(const std::vector<std::string>& nameParts, std::vector<ProcArg>& args) {
    std::unique_ptr<std::unique_lock<std::mutex>> own;
    if (!lock_) {
        own = std::make_unique<std::unique_lock<std::mutex>>(inst_.mu);
        lock_ = own.get();
    }
    struct Reset {
        std::unique_lock<std::mutex>*& l;
        bool owned;
        ~Reset() { if (owned) l = nullptr; }
    } reset{lock_, own != nullptr};

    std::string name = lowerAscii(nameParts.back());
    std::string dbPart = nameParts.size() >= 3 ? lowerAscii(nameParts[0]) : "";
    sink_.procBegin();
    int status = 0;
    if (name == "sp_executesql") executeSql(*this, args);
    else if (name == "sp_who") spWho(*this, false);
    else if (name == "sp_who2") spWho(*this, true);
    else if (name == "xp_dirtree") xpDirtree(*this, args);
    else if (name == "sp_change_users_login") changeUsersLogin(*this, args);
    else if (name == "sp_sim_control") simControl(*this, args);
    else if (name == "sp_datatype_info_100" || name == "sp_datatype_info") datatypeInfo(*this, args);
    else if (!runMsdbProcedure(*this, name, args, status)) {
        std::string full;
        for (std::size_t i = 0; i < nameParts.size(); ++i) full += (i ? "." : "") + nameParts[i];
        spdlog::warn("[{}] unknown procedure {}", inst_.st.name, full);
        throw errors::procNotFound(full);
    }
    (void)dbPart;
    sink_.procEnd(status);
    return status;
}

}  // namespace mssql_sim
