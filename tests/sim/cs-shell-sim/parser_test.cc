// The tokenizer and parser: what the subset accepts, and that everything else is a ParseError
// with PowerShell's wording, never silently accepted.
#include <gmock/gmock.h>

#include "lexer.hpp"
#include "parser.hpp"

namespace cssim_test {
namespace {

using cssim::Lexer;
using cssim::LexMode;
using cssim::ParseError;
using cssim::TokenKind;
using ::testing::HasSubstr;

std::string single(const std::string& src) {
  Lexer lex(src);
  auto t = lex.next(LexMode::expression);
  EXPECT_EQ(t.kind, TokenKind::string) << src;
  EXPECT_EQ(lex.next(LexMode::argument).kind, TokenKind::end) << src;
  return t.text;
}

ParseError parse_error(const std::string& src) {
  try {
    cssim::parse_script(src);
  } catch (const ParseError& e) {
    return e;
  }
  ADD_FAILURE() << "parsed: " << src;
  return ParseError("none", {}, "none");
}

TEST(LexerTest, SingleQuotedStringsDoubleEveryQuoteCharacter) {
  EXPECT_EQ(single("'it''s'"), "it's");
  EXPECT_EQ(single("''"), "");
  EXPECT_EQ(single("'$(x) `n \"q\"'"), "$(x) `n \"q\"");
  EXPECT_EQ(single("'line1\nline2'"), "line1\nline2");
  // U+2018..U+201B are single quotes too: they open, close and escape each other.
  EXPECT_EQ(single("\u2018curly\u2019"), "curly");
  EXPECT_EQ(single("'a\u2019\u2019b'"), "a\u2019b");
  EXPECT_EQ(single("'a\u2019'b'"), "a'b");
  EXPECT_EQ(single("'\u201cdouble\u201d'"), "\u201cdouble\u201d");
}

TEST(LexerTest, DoubleQuotedStringsTakeEscapesButNoExpansion) {
  EXPECT_EQ(single("\"a\"\"b\""), "a\"b");
  EXPECT_EQ(single("\"tab`tnew`n`$x `\" ``\""), "tab\tnew\n$x \" `");
  EXPECT_EQ(single("\"cost $ 5\""), "cost $ 5");
  EXPECT_EQ(single("\u201ccurly\u201d"), "curly");
  for (const char* src : {"\"$x\"", "\"$(Get-CsPool)\"", "\"${x}\"", "\"a$env:PATH\""}) {
    auto e = parse_error(src);
    EXPECT_EQ(e.error_id(), "UnsupportedSyntax") << src;
    EXPECT_THAT(e.what(), HasSubstr("use a single-quoted string")) << src;
  }
}

TEST(LexerTest, ArgumentModeKeepsDottedWordsAndParametersWhole) {
  Lexer lex("Set-X -Identity:pchat.contoso.com \\\\fs\\share -PoolState FailedOver \u2013Force");
  EXPECT_EQ(lex.next(LexMode::argument).text, "Set-X");
  auto p = lex.next(LexMode::argument);
  EXPECT_EQ(p.kind, TokenKind::parameter);
  EXPECT_EQ(p.text, "Identity");
  EXPECT_TRUE(p.colon);
  EXPECT_EQ(lex.next(LexMode::argument).text, "pchat.contoso.com");
  EXPECT_EQ(lex.next(LexMode::argument).text, "\\\\fs\\share");
  EXPECT_EQ(lex.next(LexMode::argument).text, "PoolState");
  EXPECT_EQ(lex.next(LexMode::argument).text, "FailedOver");
  auto dash = lex.next(LexMode::argument);  // an en dash works like '-', as in PowerShell
  EXPECT_EQ(dash.kind, TokenKind::parameter);
  EXPECT_EQ(dash.text, "Force");
}

TEST(ParserTest, AcceptsTheSubsetDrkitGenerates) {
  const char* script =
      "$ErrorActionPreference = 'Stop'; try { Import-Module SkypeForBusiness; "
      "Set-CsPersistentChatActiveServer -Identity 'x' -ActiveServers @{Add='a','b'; Remove='c'}; "
      "Set-CsPersistentChatActiveServer -Identity 'x' -ActiveServers $null\n"
      "Get-CsService -PersistentChatServer | ForEach-Object { [pscustomobject]@{ Identity = [string]$_.Identity; "
      "ActiveServers = @($_.ActiveServers | ForEach-Object { [string]$_ }) } } | ConvertTo-Json -Depth 4 -Compress "
      "} catch { [Console]::Error.WriteLine($_.Exception.Message); exit 1 }\n";
  auto block = cssim::parse_script(script);
  ASSERT_EQ(block->statements.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<cssim::AssignStmt>(block->statements[0]->node));
  auto& t = std::get<cssim::TryStmt>(block->statements[1]->node);
  EXPECT_EQ(t.body->statements.size(), 4u);
  EXPECT_EQ(t.handler->statements.size(), 2u);
  auto& p = std::get<cssim::PipelineStmt>(t.body->statements[3]->node);
  ASSERT_EQ(p.pipeline->commands.size(), 3u);
  EXPECT_EQ(p.pipeline->commands[2].name, "ConvertTo-Json");
  EXPECT_EQ(p.pipeline->commands[2].args.size(), 3u);
}

TEST(ParserTest, MultiLineBlocksAndHashtablesParse) {
  auto block = cssim::parse_script(
      "try {\n  Import-Module Lync\n}\ncatch {\n  exit 3\n}\n$h = @{\n  Add = 'a'\n  Remove = 'b'\n}\n"
      "'a',\n'b' | ConvertTo-Json # a comment\n");
  EXPECT_EQ(block->statements.size(), 3u);
}

TEST(ParserTest, RefusesSyntaxOutsideTheSubset) {
  struct Case {
    const char* src;
    const char* id;
    const char* message;
  };
  const Case cases[] = {
      {"if ($x) { 1 }", "UnsupportedSyntax", "does not support the 'if' keyword"},
      {"foreach ($a in $b) {}", "UnsupportedSyntax", "'foreach' keyword"},
      {"function f { }", "UnsupportedSyntax", "'function' keyword"},
      {"'a' -f 'b'", "UnexpectedToken", "Unexpected token '-f' in expression or statement."},
      {"1 + 2", "UnexpectedToken", "Unexpected token '+'"},
      {"Get-CsPool | 'a'", "ExpressionsMustBeFirstInPipeline", "Expressions are only allowed as the first element"},
      {"Get-CsPool |", "EmptyPipeElement", "An empty pipe element is not allowed."},
      {"@{Add='a'; add='b'}", "DuplicateKeyInHashLiteral", "Duplicate keys 'add' are not allowed in hash literals."},
      {"try { 1 }", "MissingCatchOrFinally", "The Try statement is missing its Catch or Finally block."},
      {"try { 1 } catch [System.Exception] { 2 }", "UnsupportedSyntax", "typed catch"},
      {"Get-CsPool { ", "MissingEndCurlyBrace", "Missing closing '}'"},
      {"(Get-CsPool", "MissingEndParenthesisInExpression", "Missing closing ')'"},
      {"'unterminated", "TerminatorExpectedAtEndOfString", "The string is missing the terminator: '."},
      {"$env:PATH", "UnsupportedSyntax", "scoped or drive variables"},
      {"Get-CsPool > out.txt", "UnsupportedSyntax", "redirection"},
      {"& Get-CsPool", "AmpersandNotAllowed", "The ampersand (&) character is not allowed"},
      {"Get-CsPool a$b", "UnsupportedSyntax", "expandable bare words"},
      {"@'\nhere\n'@", "UnsupportedSyntax", "here-strings"},
      {"Get-CsPool `\n-Identity x; Get-X ``", "UnsupportedSyntax", "escape character"},
      {"$a.b.", "MissingPropertyName", "Missing property name"},
      {"Get-CsPool -Identity:", "MissingArgument", "Missing an argument for parameter 'Identity'."},
      {"}", "UnexpectedToken", "Unexpected token '}'"},
      {"$x = ", "IncompleteParseException", "Unexpected end of input."},
  };
  for (const auto& c : cases) {
    auto e = parse_error(c.src);
    EXPECT_EQ(e.error_id(), c.id) << c.src;
    EXPECT_THAT(e.what(), HasSubstr(c.message)) << c.src;
  }
}

TEST(ParserTest, ErrorsPointAtTheLineAndColumn) {
  auto e = parse_error("Import-Module Lync\nGet-CsPool -Identity \"$x\"");
  EXPECT_EQ(e.pos().line, 2);
  EXPECT_EQ(e.pos().column, 23);
}

}  // namespace
}  // namespace cssim_test
