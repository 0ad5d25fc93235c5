// The evaluator: runs a parsed script against the topology, writing pipeline output to
// `out` and error records to `err` the way `pwsh -NonInteractive -Command -` does.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ast.hpp"
#include "cmdlet.hpp"
#include "errors.hpp"
#include "topology.hpp"
#include "value.hpp"

namespace cssim {

class Interpreter {
 public:
  Interpreter(Topology& topology, std::ostream& out, std::ostream& err);

  // Parses and runs `script`; returns the process exit code: `exit N`, else 1 if an error
  // was written or a terminating error escaped, else 0. Nothing runs if it does not parse.
  int run_script(std::string_view script);

  // Runs a script block with $_ bound to `item` and returns what it wrote.
  std::vector<Value> invoke_block(const Block& block, const Value& item);

  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  Topology& topology() { return topology_; }
  bool module_loaded() const { return !module_.empty(); }
  void load_module(std::string name) { module_ = std::move(name); }
  // Records a change to the topology: the caller saves the state file afterwards.
  void record_change(std::string what);
  bool changed() const { return changed_; }

 private:
  void execute_block(const Block& block, std::vector<Value>& output, bool top_level);
  void execute_statement(const Statement& s, std::vector<Value>& output);
  std::vector<Value> run_pipeline(const Pipeline& p);
  // The value of a pipeline used as an expression (assignment, hashtable value, parens).
  Value pipeline_value(const Pipeline& p);
  std::vector<Value> invoke_command(const Command& cmd, std::vector<Value> input, bool has_input);
  Value eval(const Expr& e);
  Value member(const Value& target, const std::string& name, SourcePos pos);
  Value call_method(const Value& target, const std::string& name, const std::vector<Value>& args,
                    SourcePos pos);
  Value cast(const std::string& type, const Value& v, SourcePos pos);
  Value variable(const std::string& name) const;
  void assign(const std::string& name, Value v, SourcePos pos);

  // A non-terminating error: written to stderr unless $ErrorActionPreference is Stop (then
  // it becomes terminating and is thrown) or SilentlyContinue.
  void write_error(ErrorRecord record);
  void print_error(const ErrorRecord& record);
  void print_parse_error(const ParseError& e);
  void print_output(const Value& v);
  std::string error_action() const;

  Topology& topology_;
  std::ostream& out_;
  std::ostream& err_;
  std::string source_;
  std::map<std::string, Value> variables_;  // lower-cased names
  std::vector<Value> dollar_underscore_;
  std::string module_;
  bool had_error_ = false;
  bool changed_ = false;
};

// Collapses pipeline output to one value, as assignment does: nothing is $null, one item is
// itself, more is an array.
Value collapse(std::vector<Value> items);

// An ErrorRecord as the object $_ holds in a catch block.
Value error_record_value(const ErrorRecord& r);

}  // namespace cssim
