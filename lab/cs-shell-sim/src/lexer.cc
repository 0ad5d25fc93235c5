#include "lexer.hpp"

#include <fmt/format.h>

namespace cssim {

namespace {

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }

// Three-byte UTF-8 sequence E2 80 xx.
bool u2000_at(std::string_view s, std::size_t at, unsigned char lo, unsigned char hi) {
  if (at + 3 > s.size()) return false;
  auto b0 = static_cast<unsigned char>(s[at]);
  auto b1 = static_cast<unsigned char>(s[at + 1]);
  auto b2 = static_cast<unsigned char>(s[at + 2]);
  return b0 == 0xE2 && b1 == 0x80 && b2 >= lo && b2 <= hi;
}

}  // namespace

std::size_t single_quote_at(std::string_view s, std::size_t at) {
  if (at >= s.size()) return 0;
  if (s[at] == '\'') return 1;
  return u2000_at(s, at, 0x98, 0x9B) ? 3 : 0;
}

std::size_t double_quote_at(std::string_view s, std::size_t at) {
  if (at >= s.size()) return 0;
  if (s[at] == '"') return 1;
  return u2000_at(s, at, 0x9C, 0x9E) ? 3 : 0;
}

std::size_t dash_at(std::string_view s, std::size_t at) {
  if (at >= s.size()) return 0;
  if (s[at] == '-') return 1;
  return u2000_at(s, at, 0x93, 0x95) ? 3 : 0;
}

const char* to_string(TokenKind kind) {
  switch (kind) {
    case TokenKind::end: return "end of input";
    case TokenKind::newline: return "newline";
    case TokenKind::semicolon: return ";";
    case TokenKind::pipe: return "|";
    case TokenKind::comma: return ",";
    case TokenKind::dot: return ".";
    case TokenKind::double_colon: return "::";
    case TokenKind::assign: return "=";
    case TokenKind::lparen: return "(";
    case TokenKind::rparen: return ")";
    case TokenKind::lbrace: return "{";
    case TokenKind::rbrace: return "}";
    case TokenKind::at_paren: return "@(";
    case TokenKind::at_brace: return "@{";
    case TokenKind::type_literal: return "type literal";
    case TokenKind::variable: return "variable";
    case TokenKind::string: return "string";
    case TokenKind::number: return "number";
    case TokenKind::parameter: return "parameter";
    case TokenKind::word: return "word";
  }
  return "token";
}

SourcePos Lexer::pos_at(std::size_t offset) const {
  SourcePos p;
  for (std::size_t i = 0; i < offset && i < src_.size(); ++i) {
    if (src_[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((static_cast<unsigned char>(src_[i]) & 0xC0) != 0x80) {
      ++p.column;  // count characters, not UTF-8 continuation bytes
    }
  }
  return p;
}

void Lexer::fail(std::size_t at, const std::string& message, const std::string& id) const {
  throw ParseError(message, pos_at(at), id);
}

Token Lexer::peek(LexMode mode) const { return scan(offset_, mode); }

Token Lexer::next(LexMode mode) {
  Token t = scan(offset_, mode);
  offset_ = t.end;
  return t;
}

std::size_t Lexer::skip_space(std::size_t at) const {
  while (at < src_.size()) {
    char c = src_[at];
    if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
      ++at;
    } else if (c == '\r' && (at + 1 >= src_.size() || src_[at + 1] != '\n')) {
      ++at;
    } else if (c == '\r') {
      ++at;  // CR of CRLF: the LF is the newline token
    } else if (c == '`' && at + 1 < src_.size() && (src_[at + 1] == '\n' || src_[at + 1] == '\r')) {
      // Line continuation.
      at += 2;
      if (at < src_.size() && src_[at - 1] == '\r' && src_[at] == '\n') ++at;
    } else if (c == '#') {
      while (at < src_.size() && src_[at] != '\n') ++at;
    } else {
      break;
    }
  }
  return at;
}

Token Lexer::scan(std::size_t from, LexMode mode) const {
  std::size_t at = skip_space(from);
  Token t;
  t.begin = at;
  t.pos = pos_at(at);
  t.space_before = at != from;
  auto simple = [&](TokenKind kind, std::size_t len) {
    t.kind = kind;
    t.end = at + len;
    t.text = std::string(src_.substr(at, len));
    return t;
  };
  if (at >= src_.size()) return simple(TokenKind::end, 0);
  char c = src_[at];
  char next = at + 1 < src_.size() ? src_[at + 1] : '\0';
  switch (c) {
    case '\n': return simple(TokenKind::newline, 1);
    case ';': return simple(TokenKind::semicolon, 1);
    case '|':
      if (next == '|') fail(at, "The token '||' is not a valid statement separator in this version.", "InvalidEndOfLine");
      return simple(TokenKind::pipe, 1);
    case ',': return simple(TokenKind::comma, 1);
    case '(': return simple(TokenKind::lparen, 1);
    case ')': return simple(TokenKind::rparen, 1);
    case '{': return simple(TokenKind::lbrace, 1);
    case '}': return simple(TokenKind::rbrace, 1);
    case '=': return simple(TokenKind::assign, 1);
    case '.': return simple(TokenKind::dot, 1);
    case ':':
      if (next == ':') return simple(TokenKind::double_colon, 2);
      fail(at, "Unexpected token ':' in expression or statement.", "UnexpectedToken");
    case '@':
      if (next == '(') return simple(TokenKind::at_paren, 2);
      if (next == '{') return simple(TokenKind::at_brace, 2);
      fail(at, "cs-shell-sim does not support here-strings or splatting ('@' must start @( or @{).",
           "UnsupportedSyntax");
    case '[': {
      std::size_t e = at + 1;
      while (e < src_.size() && (is_ident(src_[e]) || src_[e] == '.')) ++e;
      if (e >= src_.size() || src_[e] != ']' || e == at + 1)
        fail(at, "Missing ] at end of type token.", "EndSquareBracketExpectedAtEndOfType");
      t.kind = TokenKind::type_literal;
      t.text = std::string(src_.substr(at + 1, e - at - 1));
      t.end = e + 1;
      return t;
    }
    case '$': return scan_variable(at);
    case '`':
      fail(at, "cs-shell-sim does not support the escape character '`' outside double-quoted strings.",
           "UnsupportedSyntax");
    case '&':
      fail(at, "The ampersand (&) character is not allowed. cs-shell-sim does not support the call operator or background jobs.",
           "AmpersandNotAllowed");
    case '<':
    case '>':
      fail(at, "cs-shell-sim does not support redirection operators.", "UnsupportedSyntax");
    default: break;
  }
  if (single_quote_at(src_, at)) return scan_single_quoted(at);
  if (double_quote_at(src_, at)) return scan_double_quoted(at);
  if (std::size_t d = dash_at(src_, at)) {
    char after = at + d < src_.size() ? src_[at + d] : '\0';
    if (is_alpha(after) || after == '_') {
      if (mode == LexMode::expression) {
        std::size_t e = at + d;
        while (e < src_.size() && is_ident(src_[e])) ++e;
        fail(at, fmt::format("cs-shell-sim does not support the '-{}' operator.",
                             src_.substr(at + d, e - at - d)),
             "UnsupportedSyntax");
      }
      std::size_t e = at + d;
      while (e < src_.size() && is_ident(src_[e])) ++e;
      t.kind = TokenKind::parameter;
      t.text = std::string(src_.substr(at + d, e - at - d));
      if (e < src_.size() && src_[e] == ':') {
        t.colon = true;
        ++e;
      }
      t.end = e;
      return t;
    }
    if (is_digit(after)) {
      std::size_t e = at + d;
      while (e < src_.size() && is_digit(src_[e])) ++e;
      if (e < src_.size() && is_ident(src_[e]))
        fail(at, "cs-shell-sim supports only decimal integer numbers.", "UnsupportedSyntax");
      t.kind = TokenKind::number;
      t.text = "-" + std::string(src_.substr(at + d, e - at - d));
      t.end = e;
      return t;
    }
    fail(at, "cs-shell-sim does not support arithmetic or '--'.", "UnsupportedSyntax");
  }
  if (is_digit(c)) {
    std::size_t e = at;
    while (e < src_.size() && is_digit(src_[e])) ++e;
    if (e < src_.size() && (is_alpha(src_[e]) || src_[e] == '_' || src_[e] == '.')) {
      if (mode == LexMode::argument) return scan_bare(at, mode);
      fail(at, "cs-shell-sim supports only decimal integer numbers.", "UnsupportedSyntax");
    }
    t.kind = TokenKind::number;
    t.text = std::string(src_.substr(at, e - at));
    t.end = e;
    return t;
  }
  return scan_bare(at, mode);
}

Token Lexer::scan_bare(std::size_t at, LexMode mode) const {
  Token t;
  t.begin = at;
  t.pos = pos_at(at);
  t.kind = TokenKind::word;
  std::size_t e = at;
  if (mode == LexMode::expression) {
    if (!(is_alpha(src_[e]) || src_[e] == '_'))
      fail(at, fmt::format("Unexpected token '{}' in expression or statement.", src_.substr(at, 1)),
           "UnexpectedToken");
    while (e < src_.size() && (is_ident(src_[e]) || src_[e] == '-')) ++e;
  } else {
    auto stops = [&](std::size_t i) {
      char ch = src_[i];
      return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == ';' || ch == '|' ||
             ch == '(' || ch == ')' || ch == '{' || ch == '}' || ch == ',' || ch == '`' ||
             ch == '$' || ch == '&' || ch == '<' || ch == '>' || ch == '@' || ch == '=' ||
             single_quote_at(src_, i) || double_quote_at(src_, i);
    };
    while (e < src_.size() && !stops(e)) ++e;
    if (e == at)
      fail(at, fmt::format("Unexpected token '{}' in expression or statement.", src_.substr(at, 1)),
           "UnexpectedToken");
    // PowerShell would splice an adjacent variable or string into the word.
    if (e < src_.size() && (src_[e] == '$' || src_[e] == '`' || single_quote_at(src_, e) ||
                            double_quote_at(src_, e) || src_[e] == '@'))
      fail(e, "cs-shell-sim does not support expandable bare words; quote the whole argument.",
           "UnsupportedSyntax");
  }
  t.text = std::string(src_.substr(at, e - at));
  t.end = e;
  return t;
}

Token Lexer::scan_variable(std::size_t at) const {
  Token t;
  t.begin = at;
  t.pos = pos_at(at);
  t.kind = TokenKind::variable;
  std::size_t e = at + 1;
  if (e < src_.size() && (src_[e] == '{' || src_[e] == '(' || src_[e] == '$' || src_[e] == '?' ||
                          src_[e] == '^'))
    fail(at, fmt::format("cs-shell-sim does not support '${}'.", src_[e]), "UnsupportedSyntax");
  while (e < src_.size() && is_ident(src_[e])) ++e;
  if (e == at + 1)
    fail(at, "Variable reference is not valid. '$' was not followed by a valid variable name character.",
         "InvalidVariableReference");
  if (e < src_.size() && src_[e] == ':' && (e + 1 >= src_.size() || src_[e + 1] != ':'))
    fail(at, "cs-shell-sim does not support scoped or drive variables ($scope:name).",
         "UnsupportedSyntax");
  t.text = std::string(src_.substr(at + 1, e - at - 1));
  t.end = e;
  return t;
}

Token Lexer::scan_single_quoted(std::size_t at) const {
  Token t;
  t.begin = at;
  t.pos = pos_at(at);
  t.kind = TokenKind::string;
  t.quoted = true;
  std::size_t i = at + single_quote_at(src_, at);
  while (true) {
    if (i >= src_.size())
      fail(at, "The string is missing the terminator: '.", "TerminatorExpectedAtEndOfString");
    if (std::size_t q = single_quote_at(src_, i)) {
      // Two quote characters in a row (any of the four) stand for the second one.
      if (std::size_t q2 = single_quote_at(src_, i + q)) {
        t.text.append(src_.substr(i + q, q2));
        i += q + q2;
        continue;
      }
      t.end = i + q;
      return t;
    }
    t.text.push_back(src_[i]);
    ++i;
  }
}

Token Lexer::scan_double_quoted(std::size_t at) const {
  Token t;
  t.begin = at;
  t.pos = pos_at(at);
  t.kind = TokenKind::string;
  t.quoted = true;
  std::size_t i = at + double_quote_at(src_, at);
  while (true) {
    if (i >= src_.size())
      fail(at, "The string is missing the terminator: \".", "TerminatorExpectedAtEndOfString");
    if (std::size_t q = double_quote_at(src_, i)) {
      if (std::size_t q2 = double_quote_at(src_, i + q)) {
        t.text.append(src_.substr(i + q, q2));
        i += q + q2;
        continue;
      }
      t.end = i + q;
      return t;
    }
    char c = src_[i];
    if (c == '`') {
      if (i + 1 >= src_.size())
        fail(at, "The string is missing the terminator: \".", "TerminatorExpectedAtEndOfString");
      char e = src_[i + 1];
      switch (e) {
        case 'n': t.text.push_back('\n'); break;
        case 'r': t.text.push_back('\r'); break;
        case 't': t.text.push_back('\t'); break;
        case '0': t.text.push_back('\0'); break;
        case 'a': t.text.push_back('\a'); break;
        case 'b': t.text.push_back('\b'); break;
        case 'f': t.text.push_back('\f'); break;
        case 'v': t.text.push_back('\v'); break;
        default:
          // `$, `", `` and any other character stand for themselves (only the first byte of
          // a multi-byte character is escaped; the rest is copied below).
          t.text.push_back(e);
      }
      i += 2;
      continue;
    }
    if (c == '$' && i + 1 < src_.size()) {
      char n = src_[i + 1];
      if (is_ident(n) || n == '(' || n == '{' || n == '$' || n == '?' || n == '^' || n == ':')
        fail(i, "cs-shell-sim does not expand variables or subexpressions in double-quoted strings; use a single-quoted string.",
             "UnsupportedSyntax");
    }
    t.text.push_back(c);
    ++i;
  }
}

}  // namespace cssim
