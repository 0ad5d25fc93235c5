#include "sql/lexer.hpp"

#include "engine/sql_error.hpp"
#include "sql/value.hpp"

#include <cctype>
#include <set>

#include <fmt/format.h>

namespace mssql_sim::sql {

bool Token::is(const char* word) const { return kind == Tok::Word && iequals(text, word); }

std::string Token::display() const {
    switch (kind) {
    case Tok::End: return "";
    case Tok::String: return text;
    case Tok::Variable: return "@" + text;
    case Tok::GlobalVar: return "@@" + text;
    default: return text;
    }
}

bool isReserved(const std::string& word) {
    static const std::set<std::string> kReserved = {
        "add", "all", "alter", "and", "any", "as", "asc", "backup", "begin", "between", "break", "by", "cascade",
        "case", "check", "checkpoint", "close", "column", "commit", "constraint", "continue", "convert", "create",
        "cross", "current", "cursor", "database", "dbcc", "deallocate", "declare", "default", "delete", "deny",
        "desc", "distinct", "drop", "else", "end", "escape", "except", "exec", "execute", "exists", "exit",
        "fetch", "file", "for", "foreign", "from", "full", "function", "goto", "grant", "group", "having", "if",
        "in", "index", "inner", "insert", "intersect", "into", "is", "join", "key", "kill", "left", "like",
        "merge", "not", "null", "of", "off", "on", "open", "option", "or", "order", "outer", "over", "percent",
        "plan", "primary", "print", "proc", "procedure", "raiserror", "references", "restore", "return",
        "revert", "revoke", "right", "rollback", "rule", "save", "schema", "select", "set", "shutdown", "some",
        "table", "then", "to", "top", "tran", "transaction", "trigger", "truncate", "union", "unique", "update",
        "use", "user", "values", "view", "waitfor", "when", "where", "while", "with"};
    return kReserved.count(lowerAscii(word)) > 0;
}

namespace {
bool identStart(unsigned char c) { return std::isalpha(c) || c == '_' || c == '#' || c >= 0x80; }
bool identChar(unsigned char c) { return std::isalnum(c) || c == '_' || c == '#' || c == '$' || c == '@' || c >= 0x80; }

SqlError unclosedQuote(const std::string& rest) {
    return SqlError(105, 15, 1, fmt::format("Unclosed quotation mark after the character string '{}'.", rest));
}
}  // namespace

std::vector<Token> tokenize(const std::string& s) {
    std::vector<Token> out;
    std::size_t i = 0;
    int line = 1;
    auto push = [&](Tok k, std::string text, std::size_t at, bool uni = false) {
        Token t;
        t.kind = k;
        t.text = std::move(text);
        t.offset = at;
        t.line = line;
        t.unicode = uni;
        out.push_back(std::move(t));
    };
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '\n') { ++line; ++i; continue; }
        if (std::isspace(c)) { ++i; continue; }
        if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
            while (i < s.size() && s[i] != '\n') ++i;
            continue;
        }
        if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
            // T-SQL block comments nest.
            int depth = 0;
            do {
                if (s.compare(i, 2, "/*") == 0) { ++depth; i += 2; }
                else if (s.compare(i, 2, "*/") == 0) { --depth; i += 2; }
                else { if (s[i] == '\n') ++line; ++i; }
            } while (depth > 0 && i < s.size());
            if (depth > 0) throw SqlError(113, 15, 1, "Missing end comment mark '*/'.");
            continue;
        }
        std::size_t start = i;
        bool unicode = false;
        if ((c == 'N' || c == 'n') && i + 1 < s.size() && s[i + 1] == '\'') { unicode = true; ++i; c = '\''; }
        if (c == '\'') {
            std::string text;
            ++i;
            for (;;) {
                if (i >= s.size()) throw unclosedQuote(text);
                if (s[i] == '\'') {
                    if (i + 1 < s.size() && s[i + 1] == '\'') { text.push_back('\''); i += 2; continue; }
                    ++i;
                    break;
                }
                if (s[i] == '\n') ++line;
                text.push_back(s[i++]);
            }
            push(Tok::String, std::move(text), start, unicode);
            continue;
        }
        if (c == '[' || c == '"') {
            char close = c == '[' ? ']' : '"';
            std::string text;
            ++i;
            for (;;) {
                if (i >= s.size()) {
                    if (close == ']') throw SqlError(105, 15, 1, fmt::format("Unclosed quotation mark after the character string '{}'.", text));
                    throw unclosedQuote(text);
                }
                if (s[i] == close) {
                    if (i + 1 < s.size() && s[i + 1] == close) { text.push_back(close); i += 2; continue; }
                    ++i;
                    break;
                }
                text.push_back(s[i++]);
            }
            push(Tok::QuotedId, std::move(text), start);
            continue;
        }
        if (c == '@') {
            bool global = i + 1 < s.size() && s[i + 1] == '@';
            i += global ? 2 : 1;
            std::size_t b = i;
            while (i < s.size() && identChar(static_cast<unsigned char>(s[i]))) ++i;
            if (i == b) throw errors::syntax(global ? "@@" : "@");
            push(global ? Tok::GlobalVar : Tok::Variable, s.substr(b, i - b), start);
            continue;
        }
        if (c == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
            i += 2;
            std::size_t b = i;
            while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i]))) ++i;
            push(Tok::Binary, s.substr(b, i - b), start);
            continue;
        }
        if (std::isdigit(c) || (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
            while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
            if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
                ++i;
                if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
                while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
            }
            push(Tok::Number, s.substr(start, i - start), start);
            continue;
        }
        if (identStart(c)) {
            while (i < s.size() && identChar(static_cast<unsigned char>(s[i]))) ++i;
            push(Tok::Word, s.substr(start, i - start), start);
            continue;
        }
        static const char* kTwo[] = {"<=", ">=", "<>", "!=", "!<", "!>", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "::"};
        bool matched = false;
        for (const char* two : kTwo) {
            if (s.compare(i, 2, two) == 0) {
                push(Tok::Symbol, two, start);
                i += 2;
                matched = true;
                break;
            }
        }
        if (matched) continue;
        if (std::string("(),.;=<>+-*/%&|^~:").find(static_cast<char>(c)) != std::string::npos) {
            push(Tok::Symbol, std::string(1, static_cast<char>(c)), start);
            ++i;
            continue;
        }
        throw errors::syntax(std::string(1, static_cast<char>(c)));
    }
    Token end;
    end.kind = Tok::End;
    end.offset = s.size();
    end.line = line;
    out.push_back(end);
    return out;
}

}  // namespace mssql_sim::sql
