// Syntax tree for the T-SQL subset the simulator understands.
#pragma once

#include "sql/value.hpp"

#include <memory>
#include <string>
#include <vector>

namespace mssql_sim::sql {

struct Select;
struct Expr;
using ExprP = std::shared_ptr<Expr>;

struct Expr {
    enum class K { Literal, Column, Var, GlobalVar, Unary, Binary, Func, Cast, Case, IsNull, In, Like, Between, Exists, Subquery, Star };
    K k = K::Literal;
    Value lit;
    std::vector<std::string> parts;  // Column: qualifier parts then the column; Func: lower-case name
    std::string op;                  // lower-case operator ("and", "=", "+", "not", "-")
    std::vector<ExprP> args;
    SqlType castType;
    bool negated = false;  // NOT IN / NOT LIKE / IS NOT NULL / NOT BETWEEN
    bool hasCaseOperand = false;
    bool hasElse = false;
    std::shared_ptr<Select> sub;
    std::string name() const;  // column display name ("state_desc", "" for expressions)
};

struct SelectItem {
    ExprP expr;
    std::string alias;
    bool star = false;
    std::string starQualifier;
    std::string assignVar;  // SELECT @v = expr / @v += expr
    std::string assignOp;
};

struct TableRef {
    std::vector<std::string> name;  // [database, schema, object]: as written, 1..3 parts
    std::string alias;
    std::string join;  // "" (first or comma), "inner", "left", "cross"
    ExprP on;
    std::shared_ptr<Select> derived;
    std::vector<ExprP> args;  // table-valued function arguments
};

struct OrderItem {
    ExprP expr;
    bool desc = false;
};

struct Select {
    ExprP top;
    bool distinct = false;
    std::vector<SelectItem> items;
    std::vector<TableRef> from;
    ExprP where;
    std::vector<ExprP> groupBy;
    ExprP having;
    std::vector<OrderItem> orderBy;
};

struct Option {
    std::string name;  // upper-case: CHECKSUM, STANDBY, MOVE, FILE, ...
    ExprP value;
    ExprP value2;  // MOVE 'logical' TO 'physical'
};

struct Stmt;
using StmtP = std::shared_ptr<Stmt>;

struct Stmt {
    enum class K {
        Select, Declare, SetVar, SetOption, Use, Exec, ExecDynamic, Kill, Backup, Restore, AlterDatabase,
        AlterUser, AlterLogin, CreateDatabase, DropDatabase, CreateLogin, DropLogin, CreateUser, DropUser, WaitFor,
        Print, If, Block, RaiseError, Transaction, Return, Noop
    };
    K k = K::Noop;
    int line = 1;
    std::string text;  // the statement's source text, for logs

    std::shared_ptr<Select> select;

    struct VarDecl {
        std::string name;
        SqlType type;
        ExprP init;
    };
    std::vector<VarDecl> decls;

    std::string var, op;  // SET @var op expr
    ExprP expr;           // SET/PRINT/KILL/WAITFOR/EXEC(...)/RETURN/IF condition

    std::vector<std::string> name;  // target: database, procedure parts, user, login

    struct Arg {
        std::string name;  // "@database" or "" when positional
        ExprP value;       // nullptr = DEFAULT
        bool output = false;
    };
    std::string returnVar;  // EXEC @rc = proc
    std::vector<Arg> args;

    std::string what;  // BACKUP: DATABASE/LOG; RESTORE: DATABASE/LOG/HEADERONLY/...; ALTER DATABASE: option word
    ExprP dbExpr;
    std::vector<ExprP> devices;
    std::vector<Option> options;
    std::vector<std::string> words;  // ALTER DATABASE ... SET words, SET option words (upper-case)

    std::vector<StmtP> body, elseBody;  // IF / BEGIN..END
};

}  // namespace mssql_sim::sql
