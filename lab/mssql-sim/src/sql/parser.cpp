#include "sql/parser.hpp"

#include "engine/sql_error.hpp"

#include <set>

#include <fmt/format.h>

namespace mssql_sim::sql {

std::string Expr::name() const {
    if (k == K::Column && !parts.empty()) return parts.back();
    return "";
}

namespace {

class Parser {
public:
    Parser(const std::string& text, std::vector<Token> toks) : src_(text), t_(std::move(toks)) {}

    std::vector<StmtP> batch() {
        std::vector<StmtP> out;
        bool first = true;
        while (!at(Tok::End)) {
            if (peek().sym(";")) { ++p_; continue; }
            out.push_back(statement(first));
            first = false;
        }
        return out;
    }

    std::vector<std::pair<std::string, SqlType>> paramDecls() {
        std::vector<std::pair<std::string, SqlType>> out;
        while (!at(Tok::End)) {
            if (peek().kind != Tok::Variable) fail();
            std::string name = next().text;
            if (peek().is("as")) ++p_;
            SqlType t = type();
            if (peek().is("output") || peek().is("out")) ++p_;
            if (accept("=")) expr();  // default value, ignored
            out.emplace_back(lowerAscii(name), t);
            if (!accept(",")) break;
        }
        if (!at(Tok::End)) fail();
        return out;
    }

private:
    // ---- token helpers -------------------------------------------------------------------
    const Token& peek(std::size_t ahead = 0) const { return t_[std::min(p_ + ahead, t_.size() - 1)]; }
    const Token& next() { const Token& t = peek(); if (p_ < t_.size() - 1) ++p_; return t; }
    bool at(Tok k) const { return peek().kind == k; }
    bool accept(const char* symbol) { if (peek().sym(symbol)) { ++p_; return true; } return false; }
    bool acceptWord(const char* w) { if (peek().is(w)) { ++p_; return true; } return false; }
    void expect(const char* symbol) { if (!accept(symbol)) fail(); }
    void expectWord(const char* w) { if (!acceptWord(w)) fail(); }

    [[noreturn]] void fail() const {
        const Token& t = peek();
        if (t.kind == Tok::End) {
            // SQL Server names the last token it read when the batch ends early.
            if (p_ > 0) {
                const Token& prev = t_[p_ - 1];
                if (prev.kind == Tok::Word && isReserved(prev.text)) throw errors::syntaxKeyword(prev.text);
                throw errors::syntax(prev.display());
            }
            throw errors::syntax("");
        }
        if (t.kind == Tok::Word && isReserved(t.text)) throw errors::syntaxKeyword(t.text);
        throw errors::syntax(t.display());
    }

    bool isIdent(const Token& t) const {
        return t.kind == Tok::QuotedId || (t.kind == Tok::Word && !isReserved(t.text));
    }
    std::string ident() {
        if (!isIdent(peek())) fail();
        return next().text;
    }
    // Multi-part name: a.b.c, with empty parts allowed (msdb..sysjobs).
    std::vector<std::string> multipart() {
        std::vector<std::string> parts;
        if (peek().sym(".")) parts.push_back("");
        else parts.push_back(ident());
        while (peek().sym(".")) {
            ++p_;
            if (peek().sym(".")) { parts.push_back(""); continue; }
            if (peek().sym("*")) { --p_; break; }
            parts.push_back(ident());
        }
        return parts;
    }
    // Database names may be identifiers or @variables.
    ExprP nameOrVar() {
        if (at(Tok::Variable)) return primary();
        auto e = std::make_shared<Expr>();
        e->k = Expr::K::Literal;
        e->lit = Value::text(ident(), 128);
        return e;
    }

    // ---- statements ----------------------------------------------------------------------
    StmtP statement(bool firstInBatch) {
        auto s = std::make_shared<Stmt>();
        std::size_t startTok = p_;
        s->line = peek().line;
        const Token& t = peek();
        if (t.is("select")) { s->k = Stmt::K::Select; s->select = select(); }
        else if (t.is("declare")) declare(*s);
        else if (t.is("set")) set(*s);
        else if (t.is("use")) { ++p_; s->k = Stmt::K::Use; s->name = {ident()}; }
        else if (t.is("exec") || t.is("execute")) { ++p_; exec(*s); }
        else if (t.is("kill")) { ++p_; s->k = Stmt::K::Kill; s->expr = expr(); }
        else if (t.is("backup")) backup(*s);
        else if (t.is("restore")) restore(*s);
        else if (t.is("alter")) alter(*s);
        else if (t.is("create")) create(*s);
        else if (t.is("drop")) drop(*s);
        else if (t.is("waitfor")) { ++p_; expectWord("delay"); s->k = Stmt::K::WaitFor; s->expr = expr(); }
        else if (t.is("print")) { ++p_; s->k = Stmt::K::Print; s->expr = expr(); }
        else if (t.is("if")) {
            ++p_;
            s->k = Stmt::K::If;
            s->expr = expr();
            s->body.push_back(statement(false));
            while (accept(";")) {}
            if (acceptWord("else")) s->elseBody.push_back(statement(false));
        } else if (t.is("begin")) {
            ++p_;
            if (acceptWord("tran") || acceptWord("transaction")) {
                s->k = Stmt::K::Transaction;
                s->what = "BEGIN";
                if (isIdent(peek())) ++p_;
            } else {
                s->k = Stmt::K::Block;
                while (!peek().is("end")) {
                    if (at(Tok::End)) fail();
                    if (accept(";")) continue;
                    s->body.push_back(statement(false));
                }
                ++p_;
            }
        } else if (t.is("commit") || t.is("rollback")) {
            ++p_;
            s->k = Stmt::K::Transaction;
            s->what = upperAscii(t.text);
            if (acceptWord("tran") || acceptWord("transaction") || acceptWord("work")) {
                if (isIdent(peek())) ++p_;
            }
        } else if (t.is("raiserror")) {
            ++p_;
            s->k = Stmt::K::RaiseError;
            expect("(");
            s->args.push_back({"", expr(), false});
            while (accept(",")) s->args.push_back({"", expr(), false});
            expect(")");
            if (acceptWord("with")) {
                do { ident(); } while (accept(","));
            }
        } else if (t.is("return")) {
            ++p_;
            s->k = Stmt::K::Return;
            if (!at(Tok::End) && !peek().sym(";") && !startsStatement(peek())) s->expr = expr();
        } else if (t.is("checkpoint")) {
            ++p_;
            s->k = Stmt::K::Noop;
        } else if (firstInBatch && isIdent(t)) {
            // A batch that starts with a procedure name runs it (EXEC is optional there).
            exec(*s);
        } else {
            fail();
        }
        std::size_t a = t_[startTok].offset, b = peek().offset;
        s->text = src_.substr(a, b > a ? b - a : 0);
        return s;
    }

    bool startsStatement(const Token& t) const {
        static const char* kStarts[] = {"select", "declare", "set", "use", "exec", "execute", "kill", "backup",
                                        "restore", "alter", "create", "drop", "waitfor", "print", "if", "begin",
                                        "commit", "rollback", "raiserror", "return", "else", "end", "checkpoint"};
        for (const char* w : kStarts)
            if (t.is(w)) return true;
        return false;
    }

    void declare(Stmt& s) {
        ++p_;
        s.k = Stmt::K::Declare;
        do {
            if (!at(Tok::Variable)) fail();
            Stmt::VarDecl d;
            d.name = lowerAscii(next().text);
            acceptWord("as");
            d.type = type();
            if (accept("=")) d.init = expr();
            s.decls.push_back(std::move(d));
        } while (accept(","));
    }

    void set(Stmt& s) {
        ++p_;
        if (at(Tok::Variable)) {
            s.k = Stmt::K::SetVar;
            s.var = lowerAscii(next().text);
            const Token& op = peek();
            if (op.sym("=") || op.sym("+=") || op.sym("-=") || op.sym("*=") || op.sym("/=")) s.op = next().text;
            else fail();
            s.expr = expr();
            return;
        }
        s.k = Stmt::K::SetOption;
        static const std::set<std::string> kOnOff = {
            "nocount", "ansi_nulls", "quoted_identifier", "ansi_warnings", "ansi_padding", "ansi_null_dflt_on",
            "concat_null_yields_null", "arithabort", "xact_abort", "implicit_transactions", "cursor_close_on_commit",
            "numeric_roundabort", "fmtonly", "noexec", "parseonly", "showplan_text", "showplan_xml", "statistics",
            "ansi_defaults", "nocount", "remote_proc_transactions", "forceplan", "arithignore", "rowcount"};
        static const std::set<std::string> kValued = {"textsize", "lock_timeout", "datefirst", "dateformat",
                                                      "language", "deadlock_priority", "rowcount", "query_governor_cost_limit"};
        if (!at(Tok::Word)) fail();
        std::string opt = lowerAscii(next().text);
        s.words.push_back(upperAscii(opt));
        if (opt == "transaction") {
            expectWord("isolation");
            expectWord("level");
            while (at(Tok::Word) && !startsStatement(peek())) s.words.push_back(upperAscii(next().text));
            return;
        }
        if (opt == "statistics") {
            if (!at(Tok::Word)) fail();
            s.words.push_back(upperAscii(next().text));
        }
        if (kOnOff.count(opt) && (peek().is("on") || peek().is("off"))) {
            s.words.push_back(upperAscii(next().text));
            return;
        }
        if (kValued.count(opt)) {
            const Token& v = next();
            if (v.kind == Tok::End) fail();
            s.words.push_back(v.kind == Tok::Symbol && v.text == "-" ? "-" + next().text : v.text);
            return;
        }
        --p_;
        fail();
    }

    void exec(Stmt& s) {
        if (accept("(")) {
            s.k = Stmt::K::ExecDynamic;
            s.expr = expr();
            expect(")");
            return;
        }
        s.k = Stmt::K::Exec;
        if (at(Tok::Variable) && peek(1).sym("=")) {
            s.returnVar = lowerAscii(next().text);
            ++p_;
        }
        s.name = multipart();
        if (at(Tok::End) || peek().sym(";") || startsStatement(peek())) return;
        do {
            Stmt::Arg a;
            if (at(Tok::Variable) && peek(1).sym("=")) {
                a.name = "@" + lowerAscii(next().text);
                ++p_;
            }
            if (acceptWord("default")) a.value = nullptr;
            else a.value = isIdent(peek()) && !peek(1).sym("(") && !peek(1).sym(".") ? bareWordLiteral() : expr();
            if (acceptWord("output") || acceptWord("out")) a.output = true;
            s.args.push_back(std::move(a));
        } while (accept(","));
    }

    // EXEC sp_x mgc: a bare word argument is a string (as in `EXEC sp_delete_log_shipping_secondary_database mgc`).
    ExprP bareWordLiteral() {
        auto e = std::make_shared<Expr>();
        e->lit = Value::text(next().text, 4000);
        return e;
    }

    void devices(Stmt& s) {
        do {
            if (!(acceptWord("disk") || acceptWord("url"))) {
                if (peek().is("tape")) throw errors::notSupported("TAPE backup devices");
                fail();
            }
            expect("=");
            s.devices.push_back(expr());
        } while (accept(","));
    }

    void withOptions(Stmt& s) {
        if (!acceptWord("with")) return;
        do {
            if (!(at(Tok::Word))) fail();
            Option o;
            o.name = upperAscii(next().text);
            if (o.name == "MOVE") {
                o.value = expr();
                expectWord("to");
                o.value2 = expr();
            } else if (accept("=")) {
                if (at(Tok::Word) && (isReserved(peek().text) || !peek(1).sym("("))) {
                    // Keyword values: CHECK_POLICY = OFF, DEFAULT_DATABASE = master.
                    auto e = std::make_shared<Expr>();
                    e->lit = Value::text(next().text, 128);
                    o.value = e;
                } else {
                    o.value = expr();
                }
            }
            s.options.push_back(std::move(o));
        } while (accept(","));
    }

    void backup(Stmt& s) {
        ++p_;
        s.k = Stmt::K::Backup;
        if (acceptWord("database")) s.what = "DATABASE";
        else if (acceptWord("log")) s.what = "LOG";
        else fail();
        s.dbExpr = nameOrVar();
        expectWord("to");
        devices(s);
        withOptions(s);
    }

    void restore(Stmt& s) {
        ++p_;
        s.k = Stmt::K::Restore;
        for (const char* w : {"headeronly", "filelistonly", "verifyonly", "labelonly"}) {
            if (acceptWord(w)) {
                s.what = upperAscii(w);
                expectWord("from");
                devices(s);
                withOptions(s);
                return;
            }
        }
        if (acceptWord("database")) s.what = "DATABASE";
        else if (acceptWord("log")) s.what = "LOG";
        else fail();
        s.dbExpr = nameOrVar();
        if (acceptWord("from")) devices(s);
        withOptions(s);
    }

    void alter(Stmt& s) {
        ++p_;
        if (acceptWord("database")) {
            s.k = Stmt::K::AlterDatabase;
            s.dbExpr = nameOrVar();
            expectWord("set");
            if (!at(Tok::Word)) fail();
            s.what = upperAscii(next().text);
            if (s.what == "PARTNER" || s.what == "WITNESS") {
                if (accept("=")) {
                    s.words.push_back("=");
                    s.expr = expr();
                } else {
                    if (!at(Tok::Word)) fail();
                    s.words.push_back(upperAscii(next().text));
                    if (s.words[0] == "SAFETY" || s.words[0] == "TIMEOUT") s.words.push_back(upperAscii(next().text));
                }
                return;
            }
            if (s.what == "RECOVERY") {
                if (!at(Tok::Word)) fail();
                s.words.push_back(upperAscii(next().text));
                return;
            }
            static const std::set<std::string> kFlags = {"SINGLE_USER", "MULTI_USER", "RESTRICTED_USER", "ONLINE",
                                                         "OFFLINE", "EMERGENCY", "ENABLE_BROKER", "DISABLE_BROKER",
                                                         "NEW_BROKER", "ERROR_BROKER_CONVERSATIONS", "READ_ONLY",
                                                         "READ_WRITE"};
            if (!kFlags.count(s.what)) { --p_; fail(); }
            if (acceptWord("with")) {
                if (acceptWord("rollback")) {
                    if (acceptWord("immediate")) s.words.push_back("ROLLBACK IMMEDIATE");
                    else {
                        expectWord("after");
                        auto n = expr();
                        acceptWord("seconds");
                        s.words.push_back("ROLLBACK AFTER");
                        s.expr = n;
                    }
                } else if (acceptWord("no_wait")) {
                    s.words.push_back("NO_WAIT");
                } else {
                    fail();
                }
            }
            return;
        }
        if (acceptWord("user")) {
            s.k = Stmt::K::AlterUser;
            s.name = {ident()};
            expectWord("with");
            do {
                if (!at(Tok::Word)) fail();
                Option o;
                o.name = upperAscii(next().text);
                expect("=");
                auto e = std::make_shared<Expr>();
                e->lit = Value::text(ident(), 128);
                o.value = e;
                s.options.push_back(o);
            } while (accept(","));
            return;
        }
        if (acceptWord("login")) {
            s.k = Stmt::K::AlterLogin;
            s.name = {ident()};
            if (acceptWord("enable")) { s.what = "ENABLE"; return; }
            if (acceptWord("disable")) { s.what = "DISABLE"; return; }
            withOptions(s);
            return;
        }
        fail();
    }

    void create(Stmt& s) {
        ++p_;
        if (acceptWord("database")) {
            s.k = Stmt::K::CreateDatabase;
            s.name = {ident()};
            if (acceptWord("collate")) ident();
            return;
        }
        if (acceptWord("login")) {
            s.k = Stmt::K::CreateLogin;
            s.name = {ident()};
            withOptions(s);
            return;
        }
        if (acceptWord("user")) {
            s.k = Stmt::K::CreateUser;
            s.name = {ident()};
            if (acceptWord("for") || acceptWord("from")) {
                expectWord("login");
                s.words.push_back(ident());
            } else if (acceptWord("without")) {
                expectWord("login");
            }
            return;
        }
        fail();
    }

    void drop(Stmt& s) {
        ++p_;
        if (acceptWord("database")) s.k = Stmt::K::DropDatabase;
        else if (acceptWord("login")) s.k = Stmt::K::DropLogin;
        else if (acceptWord("user")) s.k = Stmt::K::DropUser;
        else fail();
        if (acceptWord("if")) { expectWord("exists"); s.words.push_back("IF EXISTS"); }
        s.name = {ident()};
    }

    // ---- types ---------------------------------------------------------------------------
    SqlType type() {
        if (!(at(Tok::Word) || at(Tok::QuotedId))) fail();
        std::string n = lowerAscii(next().text);
        int a = -1, b = -1;
        if (accept("(")) {
            if (acceptWord("max")) a = 4000;
            else a = std::stoi(next().text);
            if (accept(",")) b = std::stoi(next().text);
            expect(")");
        }
        if (n == "int" || n == "integer") return SqlType::integer();
        if (n == "bigint") return SqlType::bigint();
        if (n == "smallint") return SqlType::smallint();
        if (n == "tinyint") return SqlType::tinyint();
        if (n == "bit") return SqlType::bit();
        if (n == "nvarchar" || n == "varchar" || n == "nchar" || n == "char" || n == "ntext" || n == "text")
            return SqlType::nvarchar(a > 0 ? a : (n == "ntext" || n == "text" ? 4000 : 1));
        if (n == "sysname") return SqlType::nvarchar(128);
        if (n == "decimal" || n == "numeric") return SqlType::decimal(a > 0 ? a : 18, b >= 0 ? b : 0);
        if (n == "datetime" || n == "datetime2" || n == "smalldatetime" || n == "date") return SqlType::datetime();
        if (n == "uniqueidentifier") return SqlType::guid();
        if (n == "varbinary" || n == "binary") return SqlType::varbinary(a > 0 ? a : 1);
        if (n == "float" || n == "real" || n == "money") return SqlType::floating();
        throw SqlError(2715, 16, 6, fmt::format("Column, parameter, or variable #1: Cannot find data type {}.", n));
    }

    // ---- SELECT --------------------------------------------------------------------------
    std::shared_ptr<Select> select() {
        expectWord("select");
        auto q = std::make_shared<Select>();
        if (acceptWord("distinct")) q->distinct = true;
        else acceptWord("all");
        if (acceptWord("top")) {
            if (accept("(")) { q->top = expr(); expect(")"); }
            else q->top = primary();
        }
        do q->items.push_back(selectItem());
        while (accept(","));
        if (acceptWord("from")) {
            q->from.push_back(tableRef(""));
            for (;;) {
                if (accept(",")) { q->from.push_back(tableRef("cross")); continue; }
                std::string join;
                if (acceptWord("join")) join = "inner";
                else if (peek().is("inner") && peek(1).is("join")) { p_ += 2; join = "inner"; }
                else if (peek().is("left")) {
                    ++p_;
                    acceptWord("outer");
                    expectWord("join");
                    join = "left";
                } else if (peek().is("cross") && peek(1).is("join")) { p_ += 2; join = "cross"; }
                else break;
                TableRef r = tableRef(join);
                if (join != "cross") {
                    expectWord("on");
                    r.on = expr();
                }
                q->from.push_back(std::move(r));
            }
        }
        if (acceptWord("where")) q->where = expr();
        if (peek().is("group") && peek(1).is("by")) {
            p_ += 2;
            do q->groupBy.push_back(expr());
            while (accept(","));
        }
        if (acceptWord("having")) q->having = expr();
        if (peek().is("order") && peek(1).is("by")) {
            p_ += 2;
            do {
                OrderItem o;
                o.expr = expr();
                if (acceptWord("desc")) o.desc = true;
                else acceptWord("asc");
                q->orderBy.push_back(o);
            } while (accept(","));
        }
        if (acceptWord("option")) {
            expect("(");
            int depth = 1;
            while (depth > 0 && !at(Tok::End)) {
                if (peek().sym("(")) ++depth;
                if (peek().sym(")")) --depth;
                ++p_;
            }
        }
        return q;
    }

    SelectItem selectItem() {
        SelectItem it;
        if (accept("*")) { it.star = true; return it; }
        if (isIdent(peek()) && peek(1).sym(".") && peek(2).sym("*")) {
            it.star = true;
            it.starQualifier = next().text;
            p_ += 2;
            return it;
        }
        if (at(Tok::Variable) && (peek(1).sym("=") || peek(1).sym("+=") || peek(1).sym("-="))) {
            it.assignVar = lowerAscii(next().text);
            it.assignOp = next().text;
            it.expr = expr();
            return it;
        }
        // alias = expr (old style)
        if ((at(Tok::QuotedId) || (at(Tok::Word) && !isReserved(peek().text))) && peek(1).sym("=") ) {
            it.alias = next().text;
            ++p_;
            it.expr = expr();
            return it;
        }
        it.expr = expr();
        if (acceptWord("as")) {
            if (at(Tok::String)) it.alias = next().text;
            else it.alias = ident();
        } else if (isIdent(peek()) || at(Tok::String)) {
            it.alias = next().text;
        }
        return it;
    }

    TableRef tableRef(const std::string& join) {
        TableRef r;
        r.join = join;
        if (accept("(")) {
            r.derived = select();
            expect(")");
        } else {
            r.name = multipart();
            if (accept("(")) {  // table-valued function, e.g. fn_dblog-like helpers
                if (!accept(")")) {
                    do r.args.push_back(expr());
                    while (accept(","));
                    expect(")");
                }
            }
        }
        if (acceptWord("as")) r.alias = ident();
        else if (isIdent(peek()) && !peek().is("join") && !peek().is("inner") && !peek().is("left") &&
                 !peek().is("cross") && !peek().is("where") && !peek().is("order") && !peek().is("group"))
            r.alias = next().text;
        if (acceptWord("with")) {  // table hints: WITH (NOLOCK)
            expect("(");
            while (!accept(")")) { if (at(Tok::End)) fail(); ++p_; }
        }
        return r;
    }

    // ---- expressions ---------------------------------------------------------------------
    ExprP make(Expr::K k, std::string op, std::vector<ExprP> args) {
        auto e = std::make_shared<Expr>();
        e->k = k;
        e->op = std::move(op);
        e->args = std::move(args);
        return e;
    }

    ExprP expr() { return orExpr(); }
    ExprP orExpr() {
        auto l = andExpr();
        while (acceptWord("or")) l = make(Expr::K::Binary, "or", {l, andExpr()});
        return l;
    }
    ExprP andExpr() {
        auto l = notExpr();
        while (acceptWord("and")) l = make(Expr::K::Binary, "and", {l, notExpr()});
        return l;
    }
    ExprP notExpr() {
        if (acceptWord("not")) return make(Expr::K::Unary, "not", {notExpr()});
        return predicate();
    }
    ExprP predicate() {
        if (acceptWord("exists")) {
            expect("(");
            auto e = make(Expr::K::Exists, "", {});
            e->sub = select();
            expect(")");
            return e;
        }
        auto l = additive();
        for (const char* op : {"=", "<>", "!=", "<", ">", "<=", ">=", "!<", "!>"}) {
            if (accept(op)) return make(Expr::K::Binary, op, {l, additive()});
        }
        bool neg = false;
        if (peek().is("not") && (peek(1).is("in") || peek(1).is("like") || peek(1).is("between"))) { ++p_; neg = true; }
        if (acceptWord("is")) {
            auto e = make(Expr::K::IsNull, "", {l});
            e->negated = acceptWord("not");
            expectWord("null");
            return e;
        }
        if (acceptWord("in")) {
            expect("(");
            auto e = make(Expr::K::In, "", {l});
            e->negated = neg;
            if (peek().is("select")) e->sub = select();
            else {
                do e->args.push_back(expr());
                while (accept(","));
            }
            expect(")");
            return e;
        }
        if (acceptWord("like")) {
            auto e = make(Expr::K::Like, "", {l, additive()});
            e->negated = neg;
            if (acceptWord("escape")) e->args.push_back(additive());
            return e;
        }
        if (acceptWord("between")) {
            auto lo = additive();
            expectWord("and");
            auto e = make(Expr::K::Between, "", {l, lo, additive()});
            e->negated = neg;
            return e;
        }
        if (neg) fail();
        return l;
    }
    ExprP additive() {
        auto l = multiplicative();
        for (;;) {
            if (accept("+")) l = make(Expr::K::Binary, "+", {l, multiplicative()});
            else if (accept("-")) l = make(Expr::K::Binary, "-", {l, multiplicative()});
            else if (accept("&")) l = make(Expr::K::Binary, "&", {l, multiplicative()});
            else if (accept("|")) l = make(Expr::K::Binary, "|", {l, multiplicative()});
            else return l;
        }
    }
    ExprP multiplicative() {
        auto l = unary();
        for (;;) {
            if (accept("*")) l = make(Expr::K::Binary, "*", {l, unary()});
            else if (accept("/")) l = make(Expr::K::Binary, "/", {l, unary()});
            else if (accept("%")) l = make(Expr::K::Binary, "%", {l, unary()});
            else return l;
        }
    }
    ExprP unary() {
        if (accept("-")) return make(Expr::K::Unary, "-", {unary()});
        if (accept("+")) return unary();
        if (accept("~")) return make(Expr::K::Unary, "~", {unary()});
        return primary();
    }

    ExprP primary() {
        const Token& t = peek();
        auto e = std::make_shared<Expr>();
        switch (t.kind) {
        case Tok::Number: {
            ++p_;
            if (t.text.find_first_of(".eE") != std::string::npos) e->lit = Value{SqlType::floating(), std::stod(t.text)};
            else {
                long long v = 0;
                try { v = std::stoll(t.text); } catch (...) { throw SqlError(8115, 16, 8, "Arithmetic overflow error converting expression to data type numeric."); }
                e->lit = v > 2147483647LL ? Value{SqlType::decimal(25, 0), static_cast<std::int64_t>(v)}
                                          : Value::integer(v);
            }
            return e;
        }
        case Tok::String:
            ++p_;
            e->lit = Value::text(t.text, std::max<int>(1, static_cast<int>(t.text.size())));
            e->lit.type.length = 4000;
            return e;
        case Tok::Binary: {
            ++p_;
            Bytes b;
            std::string h = t.text.size() % 2 ? "0" + t.text : t.text;
            for (std::size_t i = 0; i < h.size(); i += 2) b.push_back(static_cast<std::uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
            e->lit = Value{SqlType::varbinary(static_cast<int>(std::max<std::size_t>(1, b.size()))), b};
            return e;
        }
        case Tok::Variable:
            ++p_;
            e->k = Expr::K::Var;
            e->parts = {lowerAscii(t.text)};
            return e;
        case Tok::GlobalVar:
            ++p_;
            e->k = Expr::K::GlobalVar;
            e->parts = {lowerAscii(t.text)};
            return e;
        case Tok::Symbol:
            if (t.sym("(")) {
                ++p_;
                if (peek().is("select")) {
                    e->k = Expr::K::Subquery;
                    e->sub = select();
                } else {
                    e = expr();
                }
                expect(")");
                return e;
            }
            if (t.sym("*")) { ++p_; e->k = Expr::K::Star; return e; }
            fail();
        case Tok::Word:
        case Tok::QuotedId:
            break;
        case Tok::End:
            fail();
        }
        if (t.is("null")) { ++p_; e->lit = Value::null(SqlType::integer()); return e; }
        if (t.is("case")) return caseExpr();
        if (t.is("cast") || t.is("try_cast")) {
            p_ += 1;
            expect("(");
            auto v = expr();
            expectWord("as");
            e->k = Expr::K::Cast;
            e->castType = type();
            e->args = {v};
            expect(")");
            return e;
        }
        if (t.is("convert") || t.is("try_convert")) {
            ++p_;
            expect("(");
            e->k = Expr::K::Cast;
            e->castType = type();
            expect(",");
            e->args = {expr()};
            if (accept(",")) expr();  // style
            expect(")");
            return e;
        }
        if (t.kind == Tok::Word && peek(1).sym("(")) {
            e->k = Expr::K::Func;
            e->parts = {lowerAscii(next().text)};
            ++p_;
            if (!accept(")")) {
                acceptWord("distinct");
                do e->args.push_back(expr());
                while (accept(","));
                expect(")");
            }
            if (peek().is("over")) throw errors::notSupported("window functions (OVER)");
            return e;
        }
        if (t.kind == Tok::Word && isReserved(t.text)) fail();
        e->k = Expr::K::Column;
        e->parts = multipart();
        // Three-part function names: dbo.fn(...) are not supported.
        if (peek().sym("(")) fail();
        return e;
    }

    ExprP caseExpr() {
        expectWord("case");
        auto e = make(Expr::K::Case, "", {});
        if (!peek().is("when")) {
            e->hasCaseOperand = true;
            e->args.push_back(expr());
        }
        while (acceptWord("when")) {
            e->args.push_back(expr());
            expectWord("then");
            e->args.push_back(expr());
        }
        if (acceptWord("else")) {
            e->hasElse = true;
            e->args.push_back(expr());
        }
        expectWord("end");
        return e;
    }

    const std::string& src_;
    std::vector<Token> t_;
    std::size_t p_ = 0;
};

}  // namespace

std::vector<StmtP> parseBatch(const std::string& text) {
    Parser p(text, tokenize(text));
    return p.batch();
}

std::vector<std::pair<std::string, SqlType>> parseParamDecls(const std::string& text) {
    Parser p(text, tokenize(text));
    return p.paramDecls();
}

}  // namespace mssql_sim::sql
