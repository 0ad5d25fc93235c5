// The PowerShell built-ins the generated scripts use: Import-Module, ConvertTo-Json,
// ForEach-Object, Write-Error, Write-Output.
#include <fmt/format.h>

#include "cmdlet.hpp"
#include "interpreter.hpp"
#include "json_writer.hpp"

namespace cssim {

namespace {

void cmd_import_module(CmdletCall& c) {
  std::string name = c.params.string("Name");
  if (iequals(name, "SkypeForBusiness") || iequals(name, "Lync")) {
    c.interp.load_module(name);
    return;
  }
  throw CmdletError(
      fmt::format("The specified module '{}' was not loaded because no valid module file was found in any module directory.",
                  name),
      "ResourceUnavailable", "Modules_ModuleNotFound", "System.IO.FileNotFoundException");
}

void cmd_convert_to_json(CmdletCall& c) {
  int depth = static_cast<int>(c.params.integer("Depth", 2));
  if (depth < 0 || depth > 100)
    throw CmdletError(
        fmt::format("Cannot validate argument on parameter 'Depth'. The {} argument is greater than the maximum allowed range of 100. Supply an argument that is less than or equal to 100 and then try the command again.",
                    depth),
        "InvalidData", "ParameterArgumentValidationError", "System.Management.Automation.ParameterBindingValidationException");
  bool compress = c.params.flag("Compress");
  if (auto v = c.params.get("InputObject")) {
    c.output.emplace_back(convert_to_json(*v, depth, compress));
    return;
  }
  if (c.input.empty()) return;
  Value all = c.input.size() == 1 ? c.input.front() : Value(Array(c.input));
  c.output.emplace_back(convert_to_json(all, depth, compress));
}

void cmd_for_each_object(CmdletCall& c) {
  const auto* block = c.params.get("Process")->script_block_if();
  std::vector<Value> items = c.input;
  if (auto v = c.params.get("InputObject")) items = {*v};
  for (const auto& item : items) {
    auto out = c.interp.invoke_block(*block->block, item);
    for (auto& v : out) c.output.push_back(std::move(v));
  }
}

void cmd_write_error(CmdletCall& c) {
  throw CmdletError(c.params.string("Message"), "NotSpecified", "Microsoft.PowerShell.Commands.WriteErrorException",
                    "Microsoft.PowerShell.Commands.WriteErrorException");
}

void cmd_write_output(CmdletCall& c) {
  if (auto v = c.params.get("InputObject")) {
    for (auto& item : enumerate(*v)) c.output.push_back(item);
    return;
  }
  c.output = c.input;
}

}  // namespace

const std::vector<CmdletDef>& builtin_cmdlets() {
  static const std::vector<CmdletDef> defs = {
      {"Import-Module",
       {{"Name", ParamKind::string, true, 0, "System.String[]"}},
       false, false, cmd_import_module},
      {"ConvertTo-Json",
       {{"InputObject", ParamKind::any, true, 0, "System.Object", {}, true},
        {"Depth", ParamKind::integer, false, -1, "System.Int32"},
        {"Compress", ParamKind::switch_param}},
       false, false, cmd_convert_to_json},
      {"ForEach-Object",
       {{"Process", ParamKind::script_block, true, 0, "System.Management.Automation.ScriptBlock[]"},
        {"InputObject", ParamKind::any, false, -1, "System.Management.Automation.PSObject", {}, true}},
       false, false, cmd_for_each_object},
      {"Write-Error",
       {{"Message", ParamKind::string, true, 0, "System.String"}},
       false, false, cmd_write_error},
      {"Write-Output",
       {{"InputObject", ParamKind::any, true, 0, "System.Management.Automation.PSObject[]", {}, true}},
       false, false, cmd_write_output},
  };
  return defs;
}

const CmdletDef* find_cmdlet(std::string_view name) {
  for (const auto* list : {&builtin_cmdlets(), &cs_cmdlets()})
    for (const auto& d : *list)
      if (iequals(d.name, name)) return &d;
  return nullptr;
}

}  // namespace cssim
