// Cmdlet definitions and parameter binding.
//
// Each simulated cmdlet declares its parameters like the real one (names, types, mandatory,
// position, enum values) so that binding errors read like PowerShell's.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "errors.hpp"
#include "value.hpp"

namespace cssim {

class Interpreter;
class Topology;

enum class ParamKind {
  switch_param,   // [switch]
  string,         // [string] and identities: the value's [string] form
  integer,        // [int]
  enumeration,    // a .NET enum: one of `enum_values`, case-insensitive
  script_block,   // [scriptblock]
  any,            // [object], [PSObject], hashtables and list modifiers
};

struct ParamDef {
  std::string name;
  ParamKind kind = ParamKind::string;
  bool mandatory = false;
  int position = -1;             // -1: named only
  std::string type_name = "System.String";  // for binding error messages
  std::vector<std::string> enum_values = {};
  bool from_pipeline = false;    // takes pipeline input (ValueFromPipeline)
};

// The parameters of one invocation, by canonical name.
class BoundParams {
 public:
  bool has(std::string_view name) const;
  const Value* get(std::string_view name) const;
  std::string string(std::string_view name) const;  // "" when absent
  bool flag(std::string_view name) const;           // switch: false when absent
  std::int64_t integer(std::string_view name, std::int64_t fallback) const;
  void set(std::string name, Value v) { values_[std::move(name)] = std::move(v); }

 private:
  std::map<std::string, Value, std::less<>> values_;
};

// Everything a cmdlet implementation sees.
struct CmdletCall {
  Interpreter& interp;
  Topology& topology;
  BoundParams params;
  std::vector<Value> input;   // pipeline input, enumerated
  std::vector<Value> output;  // what the cmdlet writes to the pipeline
};

struct CmdletDef {
  std::string name;
  std::vector<ParamDef> params;
  // True for the Skype for Business cmdlets: they exist only after Import-Module.
  bool needs_module = false;
  // Mutating cmdlets get -WhatIf and -Confirm (SupportsShouldProcess).
  bool should_process = false;
  std::function<void(CmdletCall&)> run;
};

// An unevaluated-then-evaluated argument, as the binder receives it.
struct ArgValue {
  std::optional<std::string> parameter;  // "-Name" given
  std::optional<Value> value;            // the value (after "-Name:" or positional)
};

// Binds `args` to `def` the way PowerShell's parameter binder does for these cases.
// Throws CmdletError with PowerShell's texts ("A parameter cannot be found that matches
// parameter name 'X'.", "Cannot process command because of one or more missing mandatory
// parameters: X.").
BoundParams bind_parameters(const CmdletDef& def, const std::vector<ArgValue>& args,
                            bool has_pipeline_input);

// The registry of cmdlets: built-ins and the Skype for Business module.
const std::vector<CmdletDef>& builtin_cmdlets();
const std::vector<CmdletDef>& cs_cmdlets();
const CmdletDef* find_cmdlet(std::string_view name);

}  // namespace cssim
