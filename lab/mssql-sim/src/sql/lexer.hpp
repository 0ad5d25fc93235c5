// T-SQL tokenizer: case-insensitive words, [bracketed] and "quoted" identifiers with their
// doubling escapes, N'...' / '...' literals with '' escapes, -- and nested /* */ comments.
#pragma once

#include <string>
#include <vector>

namespace mssql_sim::sql {

enum class Tok {
    Word,        // unquoted identifier or keyword (keywords are words the parser recognizes)
    QuotedId,    // [x] or "x": always an identifier, never a keyword
    Variable,    // @name
    GlobalVar,   // @@name
    String,      // '...' (unicode flag for N'...')
    Number,      // 123, 1.5
    Binary,      // 0x0A0B
    Symbol,      // ( ) , . ; = < > <= >= <> != + - * / % += -= *= /=
    End,
};

struct Token {
    Tok kind = Tok::End;
    std::string text;      // decoded: identifier without brackets, string without quotes
    bool unicode = false;  // N'...'
    std::size_t offset = 0;
    int line = 1;
    bool is(const char* word) const;  // case-insensitive Word match
    bool sym(const char* s) const { return kind == Tok::Symbol && text == s; }
    std::string display() const;      // how SQL Server names it in "Incorrect syntax near ..."
};

// Throws SqlError 105 (unclosed quotation mark) / 102 for malformed input.
std::vector<Token> tokenize(const std::string& sqlText);

// Words SQL Server reserves: a reserved word in the wrong place gives error 156, others 102.
bool isReserved(const std::string& word);

}  // namespace mssql_sim::sql
