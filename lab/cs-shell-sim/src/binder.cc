#include <algorithm>

#include <fmt/format.h>

#include "cmdlet.hpp"

namespace cssim {

namespace {

constexpr const char* kBindingException = "System.Management.Automation.ParameterBindingException";

[[noreturn]] void binding_error(const std::string& message, const std::string& id) {
  throw CmdletError(message, "InvalidArgument", id, kBindingException);
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

Value convert(const ParamDef& p, const Value& v) {
  switch (p.kind) {
    case ParamKind::switch_param: return v.truthy();
    case ParamKind::any: return v;
    case ParamKind::script_block:
      if (!v.script_block_if())
        binding_error(fmt::format("Cannot bind parameter '{}'. Cannot convert the \"{}\" value of type \"{}\" to type \"System.Management.Automation.ScriptBlock\".",
                                  p.name, v.to_string(), v.type_name()),
                      "CannotConvertArgumentNoMessage");
      return v;
    case ParamKind::integer:
      if (v.is_integer()) return v;
      if (auto s = v.string_if()) {
        try {
          std::size_t used = 0;
          long long n = std::stoll(*s, &used);
          if (used == s->size()) return static_cast<std::int64_t>(n);
        } catch (const std::exception&) {
        }
      }
      binding_error(fmt::format("Cannot bind parameter '{}'. Cannot convert value \"{}\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"",
                                p.name, v.to_string()),
                    "CannotConvertArgumentNoMessage");
    case ParamKind::string:
      if (v.array_if() || v.hashtable_if() || v.script_block_if())
        binding_error(fmt::format("Cannot convert '{}' to the type '{}' required by parameter '{}'. Specified method is not supported.",
                                  v.type_name(), p.type_name, p.name),
                      "CannotConvertArgument");
      if (v.is_null()) return v;
      return v.to_string();
    case ParamKind::enumeration: {
      if (v.array_if() || v.hashtable_if() || v.is_null())
        binding_error(fmt::format("Cannot bind parameter '{}'. Cannot convert value \"{}\" to type \"{}\".",
                                  p.name, v.to_string(), p.type_name),
                      "CannotConvertArgumentNoMessage");
      std::string text = v.to_string();
      for (const auto& name : p.enum_values)
        if (iequals(name, text)) return name;
      binding_error(fmt::format("Cannot bind parameter '{}'. Cannot convert value \"{}\" to type \"{}\". Error: \"Unable to match the identifier name {} to a valid enumerator name. Specify one of the following enumerator names and try again:\n{}\"",
                                p.name, text, p.type_name, text, join(p.enum_values, ", ")),
                    "CannotConvertArgumentNoMessage");
    }
  }
  return v;
}

}  // namespace

bool BoundParams::has(std::string_view name) const { return values_.find(name) != values_.end(); }

const Value* BoundParams::get(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

std::string BoundParams::string(std::string_view name) const {
  auto v = get(name);
  return v ? v->to_string() : std::string();
}

bool BoundParams::flag(std::string_view name) const {
  auto v = get(name);
  return v && v->truthy();
}

std::int64_t BoundParams::integer(std::string_view name, std::int64_t fallback) const {
  auto v = get(name);
  if (!v) return fallback;
  if (v->is_integer()) return std::get<std::int64_t>(v->storage());
  return fallback;
}

BoundParams bind_parameters(const CmdletDef& def, const std::vector<ArgValue>& args,
                            bool has_pipeline_input) {
  std::vector<ParamDef> params = def.params;
  if (def.should_process) {
    params.push_back({"WhatIf", ParamKind::switch_param});
    params.push_back({"Confirm", ParamKind::switch_param});
  }
  BoundParams bound;
  std::vector<Value> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (!a.parameter) {
      positional.push_back(*a.value);
      continue;
    }
    auto it = std::find_if(params.begin(), params.end(),
                           [&](const ParamDef& p) { return iequals(p.name, *a.parameter); });
    if (it == params.end())
      binding_error(fmt::format("A parameter cannot be found that matches parameter name '{}'.",
                                *a.parameter),
                    "NamedParameterNotFound");
    if (bound.has(it->name))
      binding_error(fmt::format("Cannot bind parameter because parameter '{}' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, \"-parameter value1,value2,value3\".",
                                it->name),
                    "ParameterAlreadyBound");
    if (it->kind == ParamKind::switch_param) {
      bound.set(it->name, a.value ? convert(*it, *a.value) : Value(true));
      continue;
    }
    Value v;
    if (a.value) {
      v = *a.value;
    } else if (i + 1 < args.size() && !args[i + 1].parameter) {
      v = *args[++i].value;
    } else {
      binding_error(fmt::format("Missing an argument for parameter '{}'. Specify a parameter of type '{}' and try again.",
                                it->name, it->type_name),
                    "MissingArgument");
    }
    bound.set(it->name, convert(*it, v));
  }
  std::vector<const ParamDef*> by_position;
  for (const auto& p : params)
    if (p.position >= 0 && !bound.has(p.name)) by_position.push_back(&p);
  std::sort(by_position.begin(), by_position.end(),
            [](const ParamDef* a, const ParamDef* b) { return a->position < b->position; });
  for (std::size_t i = 0; i < positional.size(); ++i) {
    if (i >= by_position.size())
      binding_error(fmt::format("A positional parameter cannot be found that accepts argument '{}'.",
                                positional[i].to_string()),
                    "PositionalParameterNotFound");
    bound.set(by_position[i]->name, convert(*by_position[i], positional[i]));
  }
  std::vector<std::string> missing;
  for (const auto& p : params)
    if (p.mandatory && !bound.has(p.name) && !(p.from_pipeline && has_pipeline_input))
      missing.push_back(p.name);
  if (!missing.empty())
    binding_error(fmt::format("Cannot process command because of one or more missing mandatory parameters: {}.",
                              join(missing, " ")),
                  "MissingMandatoryParameter");
  return bound;
}

}  // namespace cssim
