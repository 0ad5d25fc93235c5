#include "parser.hpp"

#include <array>
#include <charconv>

#include <fmt/format.h>

#include "value.hpp"

namespace cssim {

namespace {

template <class Node>
ExprPtr make_expr(Node node, SourcePos pos) {
  auto e = std::make_shared<Expr>();
  e->node = std::move(node);
  e->pos = pos;
  return e;
}

template <class Node>
StatementPtr make_statement(Node node, SourcePos pos) {
  auto s = std::make_shared<Statement>();
  s->node = std::move(node);
  s->pos = pos;
  return s;
}

// Keywords of the language that the subset does not have: refusing them by name gives a
// clearer error than "unknown command 'foreach'".
constexpr std::array kUnsupportedKeywords = {
    "if",     "else",   "elseif", "foreach", "for",    "while",   "do",       "until",
    "switch", "function", "filter", "return", "throw",  "trap",    "break",    "continue",
    "param",  "begin",  "process", "end",    "class",  "enum",    "data",     "dynamicparam",
    "using",  "workflow", "parallel", "sequence", "inlinescript", "configuration", "finally"};

bool ends_statement(TokenKind k) {
  return k == TokenKind::newline || k == TokenKind::semicolon || k == TokenKind::end ||
         k == TokenKind::rbrace || k == TokenKind::rparen;
}

}  // namespace

BlockPtr parse_script(std::string_view source) { return Parser(source).parse_script(); }

BlockPtr Parser::parse_script() {
  auto block = parse_statements(TokenKind::end);
  Token t = lex_.peek(LexMode::argument);
  if (t.kind != TokenKind::end) unexpected(t);
  return block;
}

void Parser::unexpected(const Token& t) {
  if (t.kind == TokenKind::end)
    throw ParseError("Unexpected end of input.", t.pos, "IncompleteParseException");
  std::string text = t.kind == TokenKind::newline ? "newline" : std::string(lex_.source().substr(t.begin, t.end - t.begin));
  throw ParseError(fmt::format("Unexpected token '{}' in expression or statement.", text), t.pos,
                   "UnexpectedToken");
}

Token Parser::expect(TokenKind kind, LexMode mode, const char* what) {
  Token t = lex_.peek(mode);
  if (t.kind != kind) {
    if (kind == TokenKind::rbrace)
      throw ParseError("Missing closing '}' in statement block or type definition.", t.pos,
                       "MissingEndCurlyBrace");
    if (kind == TokenKind::rparen)
      throw ParseError("Missing closing ')' in expression.", t.pos,
                       "MissingEndParenthesisInExpression");
    if (t.kind == TokenKind::end)
      throw ParseError(fmt::format("Missing {}.", what), t.pos, "IncompleteParseException");
    throw ParseError(fmt::format("Missing {} before '{}'.", what,
                                 lex_.source().substr(t.begin, t.end - t.begin)),
                     t.pos, "UnexpectedToken");
  }
  return lex_.next(mode);
}

void Parser::skip_newlines() {
  while (lex_.peek(LexMode::argument).kind == TokenKind::newline) lex_.next(LexMode::argument);
}

BlockPtr Parser::parse_statements(TokenKind closer) {
  auto block = std::make_shared<Block>();
  while (true) {
    Token t = lex_.peek(LexMode::argument);
    if (t.kind == TokenKind::newline || t.kind == TokenKind::semicolon) {
      lex_.next(LexMode::argument);
      continue;
    }
    if (t.kind == TokenKind::end || t.kind == closer) break;
    if (t.kind == TokenKind::rbrace || t.kind == TokenKind::rparen) unexpected(t);
    block->statements.push_back(parse_statement());
    Token after = lex_.peek(LexMode::argument);
    if (!ends_statement(after.kind)) unexpected(after);
  }
  return block;
}

StatementPtr Parser::parse_statement() {
  Token t = lex_.peek(LexMode::argument);
  if (t.kind == TokenKind::word) {
    std::string kw = to_lower(t.text);
    if (kw == "try") {
      lex_.next(LexMode::argument);
      auto body = parse_braced_block();
      skip_newlines();
      Token c = lex_.peek(LexMode::argument);
      if (c.kind != TokenKind::word || to_lower(c.text) != "catch")
        throw ParseError("The Try statement is missing its Catch or Finally block.", c.pos,
                         "MissingCatchOrFinally");
      lex_.next(LexMode::argument);
      if (lex_.peek(LexMode::argument).kind == TokenKind::type_literal)
        throw ParseError("cs-shell-sim does not support typed catch blocks.", c.pos,
                         "UnsupportedSyntax");
      auto handler = parse_braced_block();
      return make_statement(TryStmt{std::move(body), std::move(handler)}, t.pos);
    }
    if (kw == "catch")
      throw ParseError("Unexpected token 'catch' in expression or statement.", t.pos,
                       "UnexpectedToken");
    if (kw == "exit") {
      lex_.next(LexMode::argument);
      Token n = lex_.peek(LexMode::argument);
      PipelinePtr code;
      if (!ends_statement(n.kind)) code = parse_pipeline();
      return make_statement(ExitStmt{std::move(code)}, t.pos);
    }
    for (const char* k : kUnsupportedKeywords)
      if (kw == k)
        throw ParseError(fmt::format("cs-shell-sim does not support the '{}' keyword.", t.text),
                         t.pos, "UnsupportedSyntax");
  }
  if (t.kind == TokenKind::variable) {
    Token after = lex_.peek_after(t, LexMode::expression);
    if (after.kind == TokenKind::assign) {
      lex_.next(LexMode::argument);
      lex_.next(LexMode::expression);
      skip_newlines();
      auto value = parse_pipeline();
      return make_statement(AssignStmt{t.text, std::move(value)}, t.pos);
    }
  }
  return make_statement(PipelineStmt{parse_pipeline()}, t.pos);
}

PipelinePtr Parser::parse_pipeline() {
  auto p = std::make_shared<Pipeline>();
  Token t = lex_.peek(LexMode::argument);
  p->pos = t.pos;
  if (t.kind == TokenKind::word) {
    p->commands.push_back(parse_command());
  } else if (t.kind == TokenKind::parameter) {
    unexpected(t);
  } else {
    p->head = parse_expression();
  }
  while (lex_.peek(LexMode::argument).kind == TokenKind::pipe) {
    lex_.next(LexMode::argument);
    skip_newlines();
    Token c = lex_.peek(LexMode::argument);
    if (c.kind == TokenKind::end)
      throw ParseError("An empty pipe element is not allowed.", c.pos, "EmptyPipeElement");
    if (c.kind != TokenKind::word)
      throw ParseError("Expressions are only allowed as the first element of a pipeline.", c.pos,
                       "ExpressionsMustBeFirstInPipeline");
    p->commands.push_back(parse_command());
  }
  return p;
}

Command Parser::parse_command() {
  Token name = lex_.next(LexMode::argument);
  Command cmd;
  cmd.name = name.text;
  cmd.pos = name.pos;
  while (true) {
    Token t = lex_.peek(LexMode::argument);
    if (ends_statement(t.kind) || t.kind == TokenKind::pipe) break;
    CommandArg arg;
    arg.pos = t.pos;
    if (t.kind == TokenKind::parameter) {
      lex_.next(LexMode::argument);
      arg.parameter = t.text;
      if (t.colon) {
        Token v = lex_.peek(LexMode::argument);
        if (ends_statement(v.kind) || v.kind == TokenKind::pipe)
          throw ParseError(fmt::format("Missing an argument for parameter '{}'.", t.text), v.pos,
                           "MissingArgument");
        arg.value = parse_argument_value();
      }
    } else {
      arg.value = parse_argument_value();
    }
    cmd.args.push_back(std::move(arg));
  }
  return cmd;
}

ExprPtr Parser::parse_argument_value() {
  Token first = lex_.peek(LexMode::argument);
  std::vector<ExprPtr> items{parse_argument_primary()};
  while (lex_.peek(LexMode::argument).kind == TokenKind::comma) {
    lex_.next(LexMode::argument);
    skip_newlines();
    items.push_back(parse_argument_primary());
  }
  if (items.size() == 1) return items.front();
  return make_expr(CommaList{std::move(items)}, first.pos);
}

ExprPtr Parser::parse_argument_primary() {
  Token t = lex_.peek(LexMode::argument);
  switch (t.kind) {
    case TokenKind::string:
      lex_.next(LexMode::argument);
      return parse_postfix(make_expr(StringLit{t.text}, t.pos));
    case TokenKind::number: {
      lex_.next(LexMode::argument);
      std::int64_t v = 0;
      auto r = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
      if (r.ec != std::errc())
        throw ParseError(fmt::format("The number '{}' is out of range.", t.text), t.pos,
                         "BadNumericConstant");
      return make_expr(NumberLit{v}, t.pos);
    }
    case TokenKind::word:
      lex_.next(LexMode::argument);
      return make_expr(BareWord{t.text}, t.pos);
    case TokenKind::variable:
    case TokenKind::at_paren:
    case TokenKind::at_brace:
    case TokenKind::lparen:
    case TokenKind::lbrace:
    case TokenKind::type_literal:
      return parse_unary();
    default:
      unexpected(t);
  }
}

ExprPtr Parser::parse_expression() {
  Token first = lex_.peek(LexMode::expression);
  std::vector<ExprPtr> items{parse_unary()};
  while (lex_.peek(LexMode::argument).kind == TokenKind::comma) {
    lex_.next(LexMode::argument);
    skip_newlines();
    items.push_back(parse_unary());
  }
  if (items.size() == 1) return items.front();
  return make_expr(CommaList{std::move(items)}, first.pos);
}

ExprPtr Parser::parse_unary() {
  Token t = lex_.peek(LexMode::expression);
  if (t.kind == TokenKind::type_literal) {
    lex_.next(LexMode::expression);
    if (lex_.next_char_is(':')) {
      expect(TokenKind::double_colon, LexMode::expression, "'::'");
      Token name = lex_.next(LexMode::expression);
      if (name.kind != TokenKind::word) unexpected(name);
      return parse_postfix(make_expr(StaticMemberExpr{t.text, name.text}, t.pos));
    }
    auto operand = parse_unary();
    return make_expr(CastExpr{t.text, std::move(operand)}, t.pos);
  }
  return parse_postfix(parse_primary());
}

ExprPtr Parser::parse_postfix(ExprPtr target) {
  while (lex_.next_char_is('.')) {
    Token dot = lex_.next(LexMode::expression);
    Token name = lex_.next(LexMode::expression);
    if (name.kind != TokenKind::word || name.space_before)
      throw ParseError("Missing property name after reference operator.", name.pos,
                       "MissingPropertyName");
    if (lex_.next_char_is('(')) {
      lex_.next(LexMode::expression);
      std::vector<ExprPtr> args;
      skip_newlines();
      if (lex_.peek(LexMode::argument).kind != TokenKind::rparen) {
        while (true) {
          skip_newlines();
          args.push_back(parse_unary());
          skip_newlines();
          if (lex_.peek(LexMode::argument).kind != TokenKind::comma) break;
          lex_.next(LexMode::argument);
        }
      }
      expect(TokenKind::rparen, LexMode::argument, "')'");
      target = make_expr(MethodCall{std::move(target), name.text, std::move(args)}, dot.pos);
    } else {
      target = make_expr(MemberExpr{std::move(target), name.text}, dot.pos);
    }
  }
  return target;
}

ExprPtr Parser::parse_primary() {
  Token t = lex_.next(LexMode::expression);
  switch (t.kind) {
    case TokenKind::string: return make_expr(StringLit{t.text}, t.pos);
    case TokenKind::number: {
      std::int64_t v = 0;
      auto r = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
      if (r.ec != std::errc())
        throw ParseError(fmt::format("The number '{}' is out of range.", t.text), t.pos,
                         "BadNumericConstant");
      return make_expr(NumberLit{v}, t.pos);
    }
    case TokenKind::variable: return make_expr(VariableRef{t.text}, t.pos);
    case TokenKind::at_paren: {
      auto body = parse_statements(TokenKind::rparen);
      expect(TokenKind::rparen, LexMode::argument, "')'");
      return make_expr(ArrayExpr{std::move(body)}, t.pos);
    }
    case TokenKind::at_brace: return parse_hashtable(t);
    case TokenKind::lparen: {
      skip_newlines();
      auto inner = parse_pipeline();
      skip_newlines();
      expect(TokenKind::rparen, LexMode::argument, "')'");
      return make_expr(ParenExpr{std::move(inner)}, t.pos);
    }
    case TokenKind::lbrace: {
      auto block = parse_statements(TokenKind::rbrace);
      expect(TokenKind::rbrace, LexMode::argument, "'}'");
      return make_expr(ScriptBlockExpr{std::move(block)}, t.pos);
    }
    default: unexpected(t);
  }
}

ExprPtr Parser::parse_hashtable(const Token& open) {
  HashLit h;
  while (true) {
    Token t = lex_.peek(LexMode::argument);
    if (t.kind == TokenKind::newline || t.kind == TokenKind::semicolon) {
      lex_.next(LexMode::argument);
      continue;
    }
    if (t.kind == TokenKind::rbrace) {
      lex_.next(LexMode::argument);
      break;
    }
    if (t.kind == TokenKind::end)
      throw ParseError("Missing closing '}' in hash literal.", t.pos, "MissingEndCurlyBrace");
    Token key = lex_.next(LexMode::expression);
    if (key.kind != TokenKind::word && key.kind != TokenKind::string &&
        key.kind != TokenKind::number)
      throw ParseError("Missing key before '=' in hash literal.", key.pos, "MissingEqualsInHashLiteral");
    for (const auto& [k, v] : h.entries)
      if (iequals(k, key.text))
        throw ParseError(fmt::format("Duplicate keys '{}' are not allowed in hash literals.", key.text),
                         key.pos, "DuplicateKeyInHashLiteral");
    Token eq = lex_.peek(LexMode::expression);
    if (eq.kind != TokenKind::assign)
      throw ParseError("Missing '=' operator after key in hash literal.", eq.pos,
                       "MissingEqualsInHashLiteral");
    lex_.next(LexMode::expression);
    skip_newlines();
    auto value = parse_pipeline();
    h.entries.emplace_back(key.text, std::move(value));
    Token sep = lex_.peek(LexMode::argument);
    if (sep.kind != TokenKind::newline && sep.kind != TokenKind::semicolon &&
        sep.kind != TokenKind::rbrace)
      throw ParseError("Missing statement after '=' in hash literal.", sep.pos,
                       "MissingStatementInHashLiteral");
  }
  return make_expr(std::move(h), open.pos);
}

BlockPtr Parser::parse_braced_block() {
  skip_newlines();
  Token open = lex_.peek(LexMode::argument);
  if (open.kind != TokenKind::lbrace)
    throw ParseError("Missing statement block.", open.pos, "MissingStatementBlock");
  lex_.next(LexMode::argument);
  auto block = parse_statements(TokenKind::rbrace);
  expect(TokenKind::rbrace, LexMode::argument, "'}'");
  return block;
}

}  // namespace cssim
