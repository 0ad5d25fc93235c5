// Runs parsed T-SQL against an instance for one session. The first error stops the batch
// (SqlError propagates to the connection, which reports it).
#pragma once

#include "engine/context.hpp"
#include "engine/eval.hpp"
#include "sql/ast.hpp"

#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mssql_sim {

class Instance;
class Agent;
class Mirroring;

// Thrown when a fault rule says to drop the connection in the middle of a statement.
struct DropConnection : std::runtime_error {
    DropConnection() : std::runtime_error("fault injection: drop connection") {}
};
// Thrown when the client sent ATTENTION while a statement ran.
struct Cancelled : std::runtime_error {
    Cancelled() : std::runtime_error("cancelled by ATTENTION") {}
};

struct ProcArg {
    std::string name;  // "@database" (lower-case) or "" when positional
    Value value;
    bool output = false;
    bool isDefault = false;
};

// Binds a call's arguments to a procedure's declared parameters (named or positional).
class ProcParams {
public:
    ProcParams(std::string proc, std::vector<std::string> declared, std::vector<ProcArg>& args);
    bool has(const std::string& name) const;
    Value get(const std::string& name) const;  // NULL when not passed
    std::string str(const std::string& name, const std::string& def = "") const;
    std::int64_t num(const std::string& name, std::int64_t def) const;
    std::string require(const std::string& name) const;  // error 201 when missing
    void output(const std::string& name, const Value& v);  // sets an OUTPUT argument
    const std::string& proc() const { return proc_; }

private:
    std::string proc_;
    std::vector<std::string> declared_;
    std::vector<ProcArg>& args_;
    std::vector<int> index_;  // declared param -> args index (-1 = not passed)
};

struct Services {
    Agent* agent = nullptr;
    Mirroring* mirroring = nullptr;
    std::function<std::vector<std::string>(const std::string&)> control;  // runs a control command
};

class Executor {
public:
    Executor(Instance& inst, Session& session, ResultSink& sink, Services services);

    // Parses and runs a batch in a fresh scope.
    void runBatch(const std::string& text);
    void runBatch(const std::string& text, Scope& scope);
    // Calls a procedure by name with evaluated arguments; returns its return status.
    int callProcedure(const std::vector<std::string>& nameParts, std::vector<ProcArg>& args);
    // Result metadata of a query without running side effects (sp_prepare); empty for non-queries.
    std::optional<ResultSet> describe(const std::string& text, Scope& scope);

    Instance& inst() { return inst_; }
    Session& session() { return session_; }
    ResultSink& sink() { return sink_; }
    Services& services() { return services_; }
    Value eval(const sql::Expr& e, Scope& scope);
    std::string evalText(const sql::ExprP& e, Scope& scope);
    void info(std::int32_t number, const std::string& text, std::uint8_t state = 1);
    // Sleeps with the instance unlocked, waking early on ATTENTION.
    void sleepUnlocked(int ms);
    // Runs fn with the instance lock released (network I/O to a partner).
    void unlocked(const std::function<void()>& fn);
    void killSession(int spid);  // mu held
    void syncSession();          // mu held: mirror session state into inst.sessions

private:
    void runStatements(const std::vector<sql::StmtP>& stmts, Scope& scope, bool topLevel);
    void run(const sql::Stmt& s, Scope& scope);
    void use(const std::string& db);
    void exec(const sql::Stmt& s, Scope& scope);
    void alterDatabase(const sql::Stmt& s, Scope& scope);
    void alterUser(const sql::Stmt& s, Scope& scope);
    void security(const sql::Stmt& s, Scope& scope);
    void setOption(const sql::Stmt& s);

    Instance& inst_;
    Session& session_;
    ResultSink& sink_;
    Services services_;
    std::unique_lock<std::mutex>* lock_ = nullptr;
};

// Statement groups implemented in their own files.
void runBackup(Executor& ex, const sql::Stmt& s, Scope& scope);
void runRestore(Executor& ex, const sql::Stmt& s, Scope& scope);
void runMirroringAlter(Executor& ex, const sql::Stmt& s, Scope& scope);
// Returns true when the name is a log-shipping or Agent procedure it handled.
bool runMsdbProcedure(Executor& ex, const std::string& name, std::vector<ProcArg>& args, int& status);

}  // namespace mssql_sim
