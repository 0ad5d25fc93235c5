// Tokenizer for the PowerShell subset. PowerShell tokenizes differently in argument mode
// (after a command name: `pchat.contoso.com` is one bare word) and expression mode (`$x.Name`
// is a member access), so the parser asks for the next token in the mode it is in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "errors.hpp"

namespace cssim {

enum class TokenKind {
  end,
  newline,
  semicolon,
  pipe,
  comma,
  dot,           // '.' directly after a value (member access)
  double_colon,  // '::'
  assign,        // '='
  lparen,
  rparen,
  lbrace,
  rbrace,
  at_paren,      // '@('
  at_brace,      // '@{'
  type_literal,  // '[Name]', text = Name
  variable,      // '$name', text = name
  string,        // quoted string, text = its value
  number,        // decimal integer, text = digits
  parameter,     // '-Name' or '-Name:', text = Name
  word,          // bare word: a command name, a bare argument, a hashtable key, a member
};

const char* to_string(TokenKind kind);

enum class LexMode { expression, argument };

struct Token {
  TokenKind kind = TokenKind::end;
  std::string text;
  SourcePos pos;
  std::size_t begin = 0;  // byte offsets in the script
  std::size_t end = 0;
  bool space_before = false;  // whitespace separates it from the previous token
  bool colon = false;         // '-Name:' (the value follows the colon)
  bool quoted = false;        // a string token
};

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}

  // The next token in `mode`, without consuming it.
  Token peek(LexMode mode) const;
  // The next token in `mode`, consumed.
  Token next(LexMode mode);
  // The token after `t` (which must have come from peek), without consuming anything.
  Token peek_after(const Token& t, LexMode mode) const { return scan(t.end, mode); }
  // True when the very next byte (no whitespace skipped) is `c`: member access and method
  // calls must touch their target (`$x.Name`, not `$x .Name`).
  bool next_char_is(char c) const { return offset_ < src_.size() && src_[offset_] == c; }

  std::string_view source() const { return src_; }
  SourcePos pos_at(std::size_t offset) const;

 private:
  Token scan(std::size_t at, LexMode mode) const;
  std::size_t skip_space(std::size_t at) const;
  Token scan_single_quoted(std::size_t at) const;
  Token scan_double_quoted(std::size_t at) const;
  Token scan_variable(std::size_t at) const;
  Token scan_bare(std::size_t at, LexMode mode) const;
  [[noreturn]] void fail(std::size_t at, const std::string& message, const std::string& id) const;

  std::string_view src_;
  std::size_t offset_ = 0;
};

// PowerShell treats these as quote characters too: U+2018..U+201B single, U+201C..U+201E
// double. Returns the byte length of the quote character at `at`, or 0.
std::size_t single_quote_at(std::string_view s, std::size_t at);
std::size_t double_quote_at(std::string_view s, std::size_t at);
// '-' and the dashes PowerShell accepts in its place (U+2013, U+2014, U+2015).
std::size_t dash_at(std::string_view s, std::size_t at);

}  // namespace cssim
