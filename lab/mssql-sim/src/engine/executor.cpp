#include "engine/executor.hpp"

#include "engine/instance.hpp"
#include "sql/parser.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>

namespace mssql_sim {

using sql::Stmt;

namespace {
// Log text without secrets: the literal after PASSWORD is masked.
std::string redact(const std::string& text) {
    std::string lower = lowerAscii(text), out = text;
    std::size_t from = 0;
    for (;;) {
        auto p = lower.find("password", from);
        if (p == std::string::npos) break;
        auto q = lower.find('\'', p);
        if (q == std::string::npos) break;
        auto e = lower.find('\'', q + 1);
        if (e == std::string::npos) e = lower.size() - 1;
        out.replace(q + 1, e - q - 1, std::string(e - q - 1, '*'));
        from = e + 1;
    }
    return out;
}
}  // namespace

Executor::Executor(Instance& inst, Session& session, ResultSink& sink, Services services)
    : inst_(inst), session_(session), sink_(sink), services_(std::move(services)) {}

void Executor::runBatch(const std::string& text) {
    Scope scope;
    runBatch(text, scope);
}

void Executor::runBatch(const std::string& text, Scope& scope) {
    std::vector<sql::StmtP> stmts;
    try {
        stmts = sql::parseBatch(text);
    } catch (const SqlError& e) {
        if (e.message().number == 102 || e.message().number == 156 || e.message().number == 105)
            spdlog::warn("[{}] unrecognized T-SQL ({}): {}", inst_.st.name.empty() ? inst_.cfg.name : inst_.st.name,
                         e.what(), redact(text));
        throw;
    }
    runStatements(stmts, scope, lock_ == nullptr);
}

void Executor::runStatements(const std::vector<sql::StmtP>& stmts, Scope& scope, bool topLevel) {
    for (const auto& s : stmts) {
        if (scope.returned) return;
        if (sink_.cancelled()) throw Cancelled();
        if (!topLevel) {
            run(*s, scope);
            continue;
        }
        // Fault injection applies to statements the client sent, before they run.
        FaultDecision fault = inst_.faults.next(s->text);
        if (fault.delayMs > 0) sleepUnlocked(fault.delayMs);
        if (fault.error) throw SqlError(*fault.error);
        // The statement runs (its effects happen) but the client never sees the whole answer.
        if (fault.drop) sink_.armDrop();
        std::unique_lock lk(inst_.mu);
        lock_ = &lk;
        try {
            spdlog::debug("[{}] spid {}: {}", inst_.st.name, session_.spid, redact(s->text));
            if (auto it = inst_.sessions.find(session_.spid); it != inst_.sessions.end()) {
                it->second.lastRequestStart = inst_.nowMs();
                it->second.status = "running";
            }
            run(*s, scope);
            syncSession();
            if (sink_.dropArmed()) throw DropConnection();
        } catch (...) {
            syncSession();
            lock_ = nullptr;
            throw;
        }
        lock_ = nullptr;
    }
}

void Executor::syncSession() {
    if (auto it = inst_.sessions.find(session_.spid); it != inst_.sessions.end()) {
        it->second.databaseId = session_.databaseId;
        it->second.status = "sleeping";
    }
}

Value Executor::eval(const sql::Expr& e, Scope& scope) {
    ExecContext ctx{inst_, session_, sink_, scope};
    Evaluator ev(ctx);
    return ev.eval(e, nullptr);
}

std::string Executor::evalText(const sql::ExprP& e, Scope& scope) {
    if (!e) return "";
    return eval(*e, scope).asText();
}

void Executor::info(std::int32_t number, const std::string& text, std::uint8_t state) {
    sink_.info(Message{number, state, 0, text, {}, 1});
}

void Executor::sleepUnlocked(int ms) {
    bool wasLocked = lock_ && lock_->owns_lock();
    if (wasLocked) lock_->unlock();
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    bool cancelled = false;
    while (std::chrono::steady_clock::now() < until) {
        if (sink_.cancelled()) { cancelled = true; break; }
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int>(20, ms)));
    }
    if (wasLocked) lock_->lock();
    if (cancelled) throw Cancelled();
}

void Executor::unlocked(const std::function<void()>& fn) {
    bool wasLocked = lock_ && lock_->owns_lock();
    if (wasLocked) lock_->unlock();
    try {
        fn();
    } catch (...) {
        if (wasLocked) lock_->lock();
        throw;
    }
    if (wasLocked) lock_->lock();
}

void Executor::killSession(int spid) {
    auto it = inst_.sessions.find(spid);
    if (it == inst_.sessions.end()) throw errors::killNotActive(spid);
    if (spid == session_.spid) throw errors::killSelf();
    spdlog::info("[{}] KILL {} (login {}, program '{}')", inst_.st.name, spid, it->second.login, it->second.program);
    if (it->second.kill) it->second.kill();
    inst_.sessions.erase(it);
}

void Executor::use(const std::string& name) {
    Database& d = inst_.requireDb(name);
    if (d.state_desc == "RESTORING") throw errors::inMiddleOfRestore(d.name);
    if (d.state_desc == "OFFLINE")
        throw SqlError(942, 14, 4, fmt::format("Database '{}' cannot be opened because it is offline.", d.name));
    if (d.user_access_desc == "SINGLE_USER" && inst_.countSessionsIn(d.database_id, session_.spid) > 0)
        throw SqlError(924, 14, 1, fmt::format("Database '{}' is already open and can only have one user at a time.", d.name));
    auto* old = inst_.findDbById(session_.databaseId);
    std::string oldName = old ? old->name : "master";
    session_.databaseId = d.database_id;
    sink_.databaseChanged(oldName, d.name);
}

void Executor::run(const Stmt& s, Scope& scope) {
    ExecContext ctx{inst_, session_, sink_, scope};
    Evaluator ev(ctx);
    switch (s.k) {
    case Stmt::K::Select: {
        if (ev.isAssignment(*s.select)) {
            ev.select(*s.select);
            return;
        }
        ResultSet rs = ev.select(*s.select);
        sink_.resultSet(rs);
        return;
    }
    case Stmt::K::Declare:
        for (const auto& d : s.decls) {
            if (scope.vars.count(d.name))
                throw SqlError(134, 15, 1, fmt::format("The variable name '@{}' has already been declared. Variable names must be unique within a query batch or stored procedure.", d.name));
            scope.vars[d.name] = d.init ? castValue(ev.eval(*d.init, nullptr), d.type) : Value::null(d.type);
        }
        return;
    case Stmt::K::SetVar: {
        auto it = scope.vars.find(s.var);
        if (it == scope.vars.end()) throw errors::mustDeclare("@" + s.var);
        Value v = ev.eval(*s.expr, nullptr);
        if (s.op == "=") it->second = castValue(v, it->second.type);
        else {
            sql::Expr e;
            e.k = sql::Expr::K::Binary;
            e.op = std::string(1, s.op[0]);
            auto l = std::make_shared<sql::Expr>();
            l->lit = it->second;
            auto r = std::make_shared<sql::Expr>();
            r->lit = v;
            e.args = {l, r};
            it->second = castValue(ev.eval(e, nullptr), it->second.type);
        }
        return;
    }
    case Stmt::K::SetOption: setOption(s); return;
    case Stmt::K::Use: use(s.name[0]); return;
    case Stmt::K::Exec: exec(s, scope); return;
    case Stmt::K::ExecDynamic: {
        std::string text = ev.eval(*s.expr, nullptr).asText();
        Scope inner;
        runBatch(text, inner);
        return;
    }
    case Stmt::K::Kill: {
        Value v = ev.eval(*s.expr, nullptr);
        auto spid = v.asInt();
        if (!spid) throw errors::syntax("NULL");
        killSession(static_cast<int>(*spid));
        return;
    }
    case Stmt::K::Backup: runBackup(*this, s, scope); return;
    case Stmt::K::Restore: runRestore(*this, s, scope); return;
    case Stmt::K::AlterDatabase:
        if (s.what == "PARTNER" || s.what == "WITNESS") runMirroringAlter(*this, s, scope);
        else alterDatabase(s, scope);
        return;
    case Stmt::K::AlterUser: alterUser(s, scope); return;
    case Stmt::K::AlterLogin:
    case Stmt::K::CreateDatabase:
    case Stmt::K::DropDatabase:
    case Stmt::K::CreateLogin:
    case Stmt::K::DropLogin:
    case Stmt::K::CreateUser:
    case Stmt::K::DropUser: security(s, scope); return;
    case Stmt::K::WaitFor: {
        std::string d = ev.eval(*s.expr, nullptr).asText();
        int h = 0, m = 0, sec = 0, ms = 0;
        int n = std::sscanf(d.c_str(), "%d:%d:%d.%d", &h, &m, &sec, &ms);
        if (n < 2) throw SqlError(148, 15, 1, "Incorrect time syntax in time string used with WAITFOR.");
        sleepUnlocked(((h * 60 + m) * 60 + sec) * 1000 + ms);
        return;
    }
    case Stmt::K::Print: info(0, ev.eval(*s.expr, nullptr).asText()); return;
    case Stmt::K::If:
        if (ev.eval(*s.expr, nullptr).truthy()) runStatements(s.body, scope, false);
        else runStatements(s.elseBody, scope, false);
        return;
    case Stmt::K::Block: runStatements(s.body, scope, false); return;
    case Stmt::K::RaiseError: {
        std::string msg = ev.eval(*s.args.at(0).value, nullptr).asText();
        auto sev = s.args.size() > 1 ? ev.eval(*s.args[1].value, nullptr).asInt().value_or(16) : 16;
        auto state = s.args.size() > 2 ? ev.eval(*s.args[2].value, nullptr).asInt().value_or(1) : 1;
        if (sev <= 10) {
            sink_.info(Message{50000, static_cast<std::uint8_t>(state), static_cast<std::uint8_t>(sev), msg, {}, s.line});
            return;
        }
        throw SqlError(50000, static_cast<std::uint8_t>(sev), static_cast<std::uint8_t>(state), msg);
    }
    case Stmt::K::Transaction:
        if (s.what == "BEGIN") ++session_.trancount;
        else if (s.what == "COMMIT") {
            if (session_.trancount == 0)
                throw SqlError(3902, 16, 1, "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.");
            --session_.trancount;
        } else {
            if (session_.trancount == 0)
                throw SqlError(3903, 16, 1, "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.");
            session_.trancount = 0;
        }
        return;
    case Stmt::K::Return:
        scope.returned = true;
        if (s.expr) scope.returnValue = static_cast<std::int32_t>(ev.eval(*s.expr, nullptr).asInt().value_or(0));
        return;
    case Stmt::K::Noop: return;
    }
}

void Executor::setOption(const Stmt& s) {
    if (s.words[0] == "NOCOUNT") session_.nocount = s.words.size() > 1 && s.words[1] == "ON";
    // Other SET options are accepted and have no effect on the simulator's results.
}

void Executor::exec(const Stmt& s, Scope& scope) {
    std::vector<ProcArg> args;
    ExecContext ctx{inst_, session_, sink_, scope};
    Evaluator ev(ctx);
    for (const auto& a : s.args) {
        ProcArg pa;
        pa.name = a.name;
        pa.output = a.output;
        if (!a.value) pa.isDefault = true;
        else pa.value = ev.eval(*a.value, nullptr);
        if (a.output && (!a.value || a.value->k != sql::Expr::K::Var))
            throw SqlError(179, 15, 1, "Cannot use the OUTPUT option when passing a constant to a stored procedure.");
        args.push_back(std::move(pa));
    }
    int status = callProcedure(s.name, args);
    for (std::size_t i = 0; i < s.args.size(); ++i) {
        if (!s.args[i].output) continue;
        auto it = scope.vars.find(s.args[i].value->parts[0]);
        if (it != scope.vars.end()) it->second = castValue(args[i].value, it->second.type);
    }
    if (!s.returnVar.empty()) {
        auto it = scope.vars.find(s.returnVar);
        if (it == scope.vars.end()) throw errors::mustDeclare("@" + s.returnVar);
        it->second = castValue(Value::integer(status), it->second.type);
    }
}

void Executor::alterDatabase(const Stmt& s, Scope& scope) {
    Database& d = inst_.requireDb(evalText(s.dbExpr, scope));
    const std::string& what = s.what;
    if (d.state_desc == "RESTORING" && what != "ONLINE") throw errors::inMiddleOfRestore(d.name);
    if (what == "SINGLE_USER" || what == "MULTI_USER" || what == "RESTRICTED_USER" || what == "OFFLINE" || what == "ONLINE" || what == "EMERGENCY") {
        bool rollback = !s.words.empty() && s.words[0].rfind("ROLLBACK", 0) == 0;
        if (what != "MULTI_USER" && what != "ONLINE") {
            std::vector<int> others;
            for (const auto& [id, ss] : inst_.sessions)
                if (id != session_.spid && ss.databaseId == d.database_id) others.push_back(id);
            if (!others.empty()) {
                if (!rollback)
                    throw SqlError(5061, 16, 1, fmt::format("ALTER DATABASE failed because a lock could not be placed on database '{}'. Try again later.", d.name));
                for (int id : others) killSession(id);
                info(5060, "Nonqualified transactions are being rolled back. Estimated rollback completion: 100%.");
            }
        }
        if (what == "SINGLE_USER" || what == "MULTI_USER" || what == "RESTRICTED_USER") d.user_access_desc = what;
        else if (what == "ONLINE") {
            if (d.state_desc == "RESTORING") throw errors::inMiddleOfRestore(d.name);
            d.state_desc = "ONLINE";
        } else d.state_desc = what;
    } else if (what == "ENABLE_BROKER") d.is_broker_enabled = true;
    else if (what == "DISABLE_BROKER") d.is_broker_enabled = false;
    else if (what == "NEW_BROKER") { d.is_broker_enabled = true; d.service_broker_guid = Guid::random().toString(); }
    else if (what == "ERROR_BROKER_CONVERSATIONS") d.is_broker_enabled = true;
    else if (what == "READ_ONLY") d.is_read_only = true;
    else if (what == "READ_WRITE") d.is_read_only = false;
    else if (what == "RECOVERY") {
        const std::string& m = s.words.at(0);
        if (m != "FULL" && m != "SIMPLE" && m != "BULK_LOGGED") throw errors::syntax(m);
        if (m == "SIMPLE") d.log_backup_lsn = 0;  // breaks the log chain
        d.recovery_model_desc = m;
    }
    inst_.save();
}

void Executor::alterUser(const Stmt& s, Scope& scope) {
    (void)scope;
    Database* d = inst_.findDbById(session_.databaseId);
    DbUser* u = nullptr;
    for (auto& x : d->users)
        if (iequals(x.name, s.name[0])) u = &x;
    if (!u) throw errors::alterUserMissing(s.name[0]);
    for (const auto& o : s.options) {
        if (o.name == "LOGIN") {
            std::string login = o.value->lit.asText();
            Login* l = inst_.findLogin(login);
            if (!l) throw errors::loginMissing(login);
            u->sid = l->sid;
        } else if (o.name == "NAME") {
            u->name = o.value->lit.asText();
        } else if (o.name == "DEFAULT_SCHEMA") {
            u->default_schema = o.value->lit.asText();
        } else {
            throw errors::syntax(o.name);
        }
    }
    inst_.save();
}

void Executor::security(const Stmt& s, Scope& scope) {
    const std::string& name = s.name.at(0);
    auto optionText = [&](const char* opt) -> std::optional<std::string> {
        for (const auto& o : s.options)
            if (o.name == opt && o.value) return evalText(o.value, scope);
        return std::nullopt;
    };
    switch (s.k) {
    case Stmt::K::CreateDatabase:
        inst_.createDatabase(name);
        break;
    case Stmt::K::DropDatabase: {
        Database* d = inst_.findDb(name);
        if (!d) {
            if (!s.words.empty()) return;
            throw SqlError(3701, 11, 1, fmt::format("Cannot drop the database '{}', because it does not exist or you do not have permission.", name));
        }
        if (d->system) throw SqlError(3708, 16, 1, fmt::format("Cannot drop the database '{}' because it is a system database.", name));
        if (inst_.countSessionsIn(d->database_id, -1) > 0) throw errors::dbInUse(name);
        std::erase_if(inst_.st.databases, [&](const Database& x) { return x.database_id == d->database_id; });
        break;
    }
    case Stmt::K::CreateLogin: {
        if (inst_.findLogin(name)) throw errors::loginExists(name);
        auto pw = optionText("PASSWORD");
        if (!pw) throw errors::syntax(name);
        Login l;
        l.name = name;
        l.principal_id = inst_.st.next_principal_id++;
        l.sid = optionText("SID").value_or(Instance::newSid());
        l.create_date = inst_.nowMs();
        if (auto db = optionText("DEFAULT_DATABASE")) l.default_database_name = *db;
        inst_.setPassword(l, *pw);
        inst_.st.logins.push_back(l);
        break;
    }
    case Stmt::K::AlterLogin: {
        Login* l = inst_.findLogin(name);
        if (!l) throw errors::loginMissing(name);
        if (s.what == "ENABLE") l->is_disabled = false;
        else if (s.what == "DISABLE") l->is_disabled = true;
        if (auto pw = optionText("PASSWORD")) inst_.setPassword(*l, *pw);
        break;
    }
    case Stmt::K::DropLogin: {
        if (!inst_.findLogin(name)) {
            if (!s.words.empty()) return;
            throw SqlError(15151, 16, 1, fmt::format("Cannot drop the login '{}', because it does not exist or you do not have permission.", name));
        }
        std::erase_if(inst_.st.logins, [&](const Login& x) { return iequals(x.name, name); });
        break;
    }
    case Stmt::K::CreateUser: {
        Database* d = inst_.findDbById(session_.databaseId);
        for (const auto& u : d->users)
            if (iequals(u.name, name))
                throw SqlError(15023, 16, 1, fmt::format("User, group, or role '{}' already exists in the current database.", name));
        DbUser u;
        u.name = name;
        u.type = "S";
        u.default_schema = "dbo";
        u.principal_id = 5 + static_cast<int>(d->users.size());
        std::string loginName = s.words.empty() ? name : s.words[0];
        if (!s.words.empty() || inst_.findLogin(name)) {
            Login* l = inst_.findLogin(loginName);
            if (!l) throw SqlError(15007, 16, 1, fmt::format("'{}' is not a valid login or you do not have permission.", loginName));
            u.sid = l->sid;
        }
        d->users.push_back(u);
        break;
    }
    case Stmt::K::DropUser: {
        Database* d = inst_.findDbById(session_.databaseId);
        auto before = d->users.size();
        std::erase_if(d->users, [&](const DbUser& u) { return iequals(u.name, name); });
        if (before == d->users.size() && s.words.empty())
            throw SqlError(15151, 16, 1, fmt::format("Cannot drop the user '{}', because it does not exist or you do not have permission.", name));
        break;
    }
    default: break;
    }
    inst_.save();
}

std::optional<ResultSet> Executor::describe(const std::string& text, Scope& scope) {
    auto stmts = sql::parseBatch(text);
    if (stmts.size() != 1 || stmts[0]->k != Stmt::K::Select) return std::nullopt;
    std::unique_lock lk(inst_.mu);
    ExecContext ctx{inst_, session_, sink_, scope};
    Evaluator ev(ctx);
    if (ev.isAssignment(*stmts[0]->select)) return std::nullopt;
    ResultSet rs = ev.select(*stmts[0]->select);
    rs.rows.clear();
    return rs;
}

// ---- procedure arguments -------------------------------------------------------------------

ProcParams::ProcParams(std::string proc, std::vector<std::string> declared, std::vector<ProcArg>& args)
    : proc_(std::move(proc)), declared_(std::move(declared)), args_(args), index_(declared_.size(), -1) {
    std::size_t positional = 0;
    bool sawNamed = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i].name.empty()) {
            if (sawNamed)
                throw SqlError(119, 15, 1, fmt::format("Must pass parameter number {} and subsequent parameters as '@name = value'. After the form '@name = value' has been used, all subsequent parameters must be passed in the form '@name = value'.", i + 1));
            if (positional >= declared_.size()) throw errors::tooManyArgs(proc_);
            index_[positional++] = static_cast<int>(i);
            continue;
        }
        sawNamed = true;
        std::string n = lowerAscii(args[i].name);
        if (n.rfind('@', 0) != 0) n = "@" + n;
        bool found = false;
        for (std::size_t d = 0; d < declared_.size(); ++d) {
            if (declared_[d] == n) {
                index_[d] = static_cast<int>(i);
                found = true;
            }
        }
        if (!found) throw SqlError(8145, 16, 2, fmt::format("{} is not a parameter for procedure {}.", args[i].name, proc_));
    }
}

bool ProcParams::has(const std::string& name) const {
    for (std::size_t d = 0; d < declared_.size(); ++d)
        if (declared_[d] == name) return index_[d] >= 0 && !args_[static_cast<std::size_t>(index_[d])].isDefault;
    return false;
}

Value ProcParams::get(const std::string& name) const {
    for (std::size_t d = 0; d < declared_.size(); ++d)
        if (declared_[d] == name && index_[d] >= 0) return args_[static_cast<std::size_t>(index_[d])].value;
    return Value::null();
}

std::string ProcParams::str(const std::string& name, const std::string& def) const {
    Value v = get(name);
    return v.isNull() ? def : v.asText();
}

std::int64_t ProcParams::num(const std::string& name, std::int64_t def) const {
    Value v = get(name);
    return v.isNull() ? def : v.asInt().value_or(def);
}

std::string ProcParams::require(const std::string& name) const {
    Value v = get(name);
    if (!has(name)) throw errors::paramMissing(proc_, name);
    return v.asText();
}

void ProcParams::output(const std::string& name, const Value& v) {
    for (std::size_t d = 0; d < declared_.size(); ++d)
        if (declared_[d] == name && index_[d] >= 0) {
            auto& a = args_[static_cast<std::size_t>(index_[d])];
            if (a.output) a.value = v;
        }
}

}  // namespace mssql_sim
