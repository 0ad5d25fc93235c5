// The syntax tree of the PowerShell subset.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "errors.hpp"

namespace cssim {

struct Expr;
struct Statement;
struct Pipeline;
using ExprPtr = std::shared_ptr<const Expr>;
using StatementPtr = std::shared_ptr<const Statement>;
using PipelinePtr = std::shared_ptr<const Pipeline>;

struct Block {
  std::vector<StatementPtr> statements;
};
using BlockPtr = std::shared_ptr<const Block>;

struct StringLit { std::string value; };
struct NumberLit { std::int64_t value = 0; };
struct BareWord { std::string text; };  // an unquoted argument: a string
struct VariableRef { std::string name; };
struct ArrayExpr { BlockPtr body; };     // @( ... )
struct HashLit { std::vector<std::pair<std::string, PipelinePtr>> entries; };
struct CommaList { std::vector<ExprPtr> items; };
struct ParenExpr { PipelinePtr inner; };
struct ScriptBlockExpr { BlockPtr block; };
struct MemberExpr { ExprPtr target; std::string name; };
struct StaticMemberExpr { std::string type; std::string name; };
struct MethodCall { ExprPtr target; std::string name; std::vector<ExprPtr> args; };
struct CastExpr { std::string type; ExprPtr operand; };

struct Expr {
  std::variant<StringLit, NumberLit, BareWord, VariableRef, ArrayExpr, HashLit, CommaList,
               ParenExpr, ScriptBlockExpr, MemberExpr, StaticMemberExpr, MethodCall, CastExpr>
      node;
  SourcePos pos;
};

// One argument of a command: a parameter name (`-Name`, `-Name:value`) or a value.
struct CommandArg {
  std::optional<std::string> parameter;
  ExprPtr value;  // null for a bare `-Name`
  SourcePos pos;
};

struct Command {
  std::string name;
  std::vector<CommandArg> args;
  SourcePos pos;
};

// `expr | Cmd ... | Cmd ...` or `Cmd ... | Cmd ...`.
struct Pipeline {
  ExprPtr head;  // null when the pipeline starts with a command
  std::vector<Command> commands;
  SourcePos pos;
};

struct PipelineStmt { PipelinePtr pipeline; };
struct AssignStmt { std::string variable; PipelinePtr value; };
struct TryStmt { BlockPtr body; BlockPtr handler; };
struct ExitStmt { PipelinePtr code; };  // null: exit 0

struct Statement {
  std::variant<PipelineStmt, AssignStmt, TryStmt, ExitStmt> node;
  SourcePos pos;
};

}  // namespace cssim
