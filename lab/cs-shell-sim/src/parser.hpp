// Recursive-descent parser for the PowerShell subset drkit generates (see
// docs/lab-cs-shell-sim.md for the grammar). Anything outside the subset is a ParseError:
// the simulator never guesses.
#pragma once

#include <string_view>

#include "ast.hpp"
#include "lexer.hpp"

namespace cssim {

// Parses a whole script. Throws ParseError.
BlockPtr parse_script(std::string_view source);

class Parser {
 public:
  explicit Parser(std::string_view source) : lex_(source) {}
  BlockPtr parse_script();

 private:
  // Statements until `closer` (rbrace/rparen) or the end of input, which is not consumed.
  BlockPtr parse_statements(TokenKind closer);
  StatementPtr parse_statement();
  PipelinePtr parse_pipeline();
  Command parse_command();
  ExprPtr parse_argument_value();
  ExprPtr parse_argument_primary();
  ExprPtr parse_expression();  // comma list
  ExprPtr parse_unary();
  ExprPtr parse_postfix(ExprPtr target);
  ExprPtr parse_primary();
  ExprPtr parse_hashtable(const Token& open);
  BlockPtr parse_braced_block();
  void skip_newlines();
  Token expect(TokenKind kind, LexMode mode, const char* what);
  [[noreturn]] void unexpected(const Token& t);

  Lexer lex_;
};

}  // namespace cssim
