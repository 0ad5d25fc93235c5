#include "interpreter.hpp"

#include <sstream>

#include <fmt/format.h>

#include "parser.hpp"

namespace cssim {

namespace {

constexpr const char* kTextWriterType = "System.IO.TextWriter";

std::string short_type(const std::string& full) {
  auto dot = full.rfind('.');
  return dot == std::string::npos ? full : full.substr(dot + 1);
}

std::string source_line(const std::string& src, int line) {
  std::istringstream in(src);
  std::string l;
  for (int i = 1; std::getline(in, l); ++i)
    if (i == line) {
      if (!l.empty() && l.back() == '\r') l.pop_back();
      return l;
    }
  return {};
}

ErrorRecord runtime_error(std::string message, SourcePos pos, std::string id,
                          std::string category = "InvalidOperation") {
  ErrorRecord r;
  r.message = std::move(message);
  r.category = std::move(category);
  r.error_id = std::move(id);
  r.exception_type = "System.Management.Automation.RuntimeException";
  r.pos = pos;
  return r;
}

}  // namespace

Value collapse(std::vector<Value> items) {
  if (items.empty()) return nullptr;
  if (items.size() == 1) return std::move(items.front());
  return Value(Array(std::move(items)));
}

Value error_record_value(const ErrorRecord& r) {
  auto exception = make_object(r.exception_type, {{"Message", r.message}}, r.message);
  return Value(make_object("System.Management.Automation.ErrorRecord",
                           {{"Exception", Value(exception)},
                            {"FullyQualifiedErrorId", r.command.empty()
                                                          ? r.error_id
                                                          : r.error_id + "," + r.command},
                            {"CategoryInfo", r.category},
                            {"TargetObject", nullptr}},
                           r.message));
}

Interpreter::Interpreter(Topology& topology, std::ostream& out, std::ostream& err)
    : topology_(topology), out_(out), err_(err) {}

void Interpreter::record_change(std::string what) {
  topology_.history.push_back(std::move(what));
  changed_ = true;
}

int Interpreter::run_script(std::string_view script) {
  source_ = std::string(script);
  BlockPtr block;
  try {
    block = parse_script(script);
  } catch (const ParseError& e) {
    print_parse_error(e);
    return 1;
  }
  try {
    std::vector<Value> output;
    execute_block(*block, output, true);
  } catch (const ExitRequest& x) {
    out_.flush();
    return x.code;
  } catch (const ScriptError& e) {
    print_error(e.record());
    return 1;
  }
  return had_error_ ? 1 : 0;
}

std::vector<Value> Interpreter::invoke_block(const Block& block, const Value& item) {
  dollar_underscore_.push_back(item);
  std::vector<Value> output;
  try {
    execute_block(block, output, false);
  } catch (...) {
    dollar_underscore_.pop_back();
    throw;
  }
  dollar_underscore_.pop_back();
  return output;
}

void Interpreter::execute_block(const Block& block, std::vector<Value>& output, bool top_level) {
  for (const auto& s : block.statements) {
    execute_statement(*s, output);
    if (top_level) {
      for (const auto& v : output) print_output(v);
      output.clear();
    }
  }
}

void Interpreter::execute_statement(const Statement& s, std::vector<Value>& output) {
  if (auto p = std::get_if<PipelineStmt>(&s.node)) {
    auto items = run_pipeline(*p->pipeline);
    output.insert(output.end(), items.begin(), items.end());
  } else if (auto a = std::get_if<AssignStmt>(&s.node)) {
    assign(a->variable, pipeline_value(*a->value), s.pos);
  } else if (auto t = std::get_if<TryStmt>(&s.node)) {
    try {
      execute_block(*t->body, output, false);
    } catch (const ScriptError& e) {
      dollar_underscore_.push_back(error_record_value(e.record()));
      try {
        execute_block(*t->handler, output, false);
      } catch (...) {
        dollar_underscore_.pop_back();
        throw;
      }
      dollar_underscore_.pop_back();
    }
  } else if (auto x = std::get_if<ExitStmt>(&s.node)) {
    int code = 0;
    if (x->code) {
      Value v = collapse(run_pipeline(*x->code));
      if (v.is_integer()) {
        code = static_cast<int>(std::get<std::int64_t>(v.storage()));
      } else if (!v.is_null()) {
        throw ScriptError(runtime_error(
            fmt::format("Cannot convert value \"{}\" to type \"System.Int32\".", v.to_string()),
            s.pos, "InvalidCastFromStringToInteger", "InvalidArgument"));
      }
    }
    for (const auto& v : output) print_output(v);
    output.clear();
    throw ExitRequest{code};
  }
}

Value Interpreter::pipeline_value(const Pipeline& p) {
  // A lone expression keeps its value ($a = @() is an empty array, @{L = @('x')} a list of
  // one); only command output is collected and collapsed.
  if (p.head && p.commands.empty()) return eval(*p.head);
  return collapse(run_pipeline(p));
}

std::vector<Value> Interpreter::run_pipeline(const Pipeline& p) {
  std::vector<Value> stream;
  bool has_input = false;
  if (p.head) {
    stream = enumerate(eval(*p.head));
    has_input = true;
  }
  for (const auto& cmd : p.commands) {
    stream = invoke_command(cmd, std::move(stream), has_input);
    has_input = true;
  }
  return stream;
}

std::vector<Value> Interpreter::invoke_command(const Command& cmd, std::vector<Value> input,
                                               bool has_input) {
  const CmdletDef* def = find_cmdlet(cmd.name);
  if (!def || (def->needs_module && !module_loaded())) {
    ErrorRecord r;
    r.message = fmt::format(
        "The term '{}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
        cmd.name);
    r.category = "ObjectNotFound";
    r.error_id = "CommandNotFoundException";
    r.exception_type = "System.Management.Automation.CommandNotFoundException";
    r.pos = cmd.pos;
    r.extent = cmd.name.size();
    throw ScriptError(std::move(r));
  }
  std::vector<ArgValue> args;
  for (const auto& a : cmd.args) {
    ArgValue av;
    av.parameter = a.parameter;
    if (a.value) av.value = eval(*a.value);
    args.push_back(std::move(av));
  }
  auto to_record = [&](const CmdletError& e) {
    ErrorRecord r;
    r.message = e.what();
    r.command = def->name;
    r.category = e.category();
    r.error_id = e.error_id();
    r.exception_type = e.exception_type();
    r.pos = cmd.pos;
    return r;
  };
  CmdletCall call{*this, topology_, {}, std::move(input), {}};
  try {
    call.params = bind_parameters(*def, args, has_input);
  } catch (const CmdletError& e) {
    throw ScriptError(to_record(e));  // binding errors stop the statement
  }
  if (def->should_process) {
    if (call.params.flag("WhatIf")) {
      out_ << fmt::format("What if: Performing the operation \"{}\" on target \"{}\".\n", def->name,
                          call.params.string("Identity"));
      return {};
    }
    if (call.params.flag("Confirm")) {
      write_error(to_record(CmdletError(
          "PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.",
          "InvalidOperation", "HostException",
          "System.Management.Automation.Host.HostException")));
      return {};
    }
  }
  try {
    def->run(call);
  } catch (const CmdletError& e) {
    write_error(to_record(e));
  }
  return std::move(call.output);
}

Value Interpreter::variable(const std::string& name) const {
  std::string key = to_lower(name);
  if (key == "null") return nullptr;
  if (key == "true") return true;
  if (key == "false") return false;
  if (key == "_" || key == "psitem")
    return dollar_underscore_.empty() ? Value() : dollar_underscore_.back();
  auto it = variables_.find(key);
  return it == variables_.end() ? Value() : it->second;
}

void Interpreter::assign(const std::string& name, Value v, SourcePos pos) {
  std::string key = to_lower(name);
  if (key == "null" || key == "true" || key == "false" || key == "_" || key == "psitem")
    throw ScriptError(runtime_error(
        fmt::format("Cannot overwrite variable {} because it is read-only or constant.", name),
        pos, "VariableNotWritable", "WriteError"));
  if (key == "erroractionpreference") {
    static const char* kAllowed[] = {"Stop", "Continue", "SilentlyContinue", "Ignore"};
    std::string text = v.to_string();
    bool ok = false;
    for (const char* a : kAllowed)
      if (iequals(text, a)) {
        v = std::string(a);
        ok = true;
      }
    if (!ok)
      throw ScriptError(runtime_error(
          fmt::format("Cannot convert value \"{}\" to type \"System.Management.Automation.ActionPreference\". Error: \"Unable to match the identifier name {} to a valid enumerator name. Specify one of the following enumerator names and try again:\nSilentlyContinue, Stop, Continue, Inquire, Ignore, Suspend\"",
                      text, text),
          pos, "RuntimeException", "MetadataError"));
  }
  variables_[key] = std::move(v);
}

std::string Interpreter::error_action() const {
  auto it = variables_.find("erroractionpreference");
  return it == variables_.end() ? "Continue" : it->second.to_string();
}

Value Interpreter::eval(const Expr& e) {
  return std::visit(
      [&](const auto& n) -> Value {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, StringLit>) {
          return n.value;
        } else if constexpr (std::is_same_v<T, NumberLit>) {
          return n.value;
        } else if constexpr (std::is_same_v<T, BareWord>) {
          return n.text;
        } else if constexpr (std::is_same_v<T, VariableRef>) {
          return variable(n.name);
        } else if constexpr (std::is_same_v<T, ArrayExpr>) {
          std::vector<Value> out;
          execute_block(*n.body, out, false);
          return Value(Array(std::move(out)));
        } else if constexpr (std::is_same_v<T, HashLit>) {
          auto h = std::make_shared<Hashtable>();
          for (const auto& [k, v] : n.entries) h->set(k, pipeline_value(*v));
          return Value(h);
        } else if constexpr (std::is_same_v<T, CommaList>) {
          Array a;
          for (const auto& item : n.items) a.push_back(eval(*item));
          return Value(std::move(a));
        } else if constexpr (std::is_same_v<T, ParenExpr>) {
          return pipeline_value(*n.inner);
        } else if constexpr (std::is_same_v<T, ScriptBlockExpr>) {
          return ScriptBlockValue{n.block};
        } else if constexpr (std::is_same_v<T, MemberExpr>) {
          return member(eval(*n.target), n.name, e.pos);
        } else if constexpr (std::is_same_v<T, StaticMemberExpr>) {
          if (iequals(n.type, "Console") || iequals(n.type, "System.Console")) {
            if (iequals(n.name, "Error")) return Value(make_object(kTextWriterType, {}, "stderr"));
            if (iequals(n.name, "Out")) return Value(make_object(kTextWriterType, {}, "stdout"));
            throw ScriptError(runtime_error(
                fmt::format("cs-shell-sim supports only [Console]::Error and [Console]::Out, not [Console]::{}.", n.name),
                e.pos, "UnsupportedSyntax"));
          }
          throw ScriptError(runtime_error(fmt::format("Unable to find type [{}].", n.type), e.pos,
                                          "TypeNotFound", "InvalidOperation"));
        } else if constexpr (std::is_same_v<T, MethodCall>) {
          Value target = eval(*n.target);
          std::vector<Value> args;
          for (const auto& a : n.args) args.push_back(eval(*a));
          return call_method(target, n.name, args, e.pos);
        } else if constexpr (std::is_same_v<T, CastExpr>) {
          return cast(n.type, eval(*n.operand), e.pos);
        }
      },
      e.node);
}

Value Interpreter::member(const Value& target, const std::string& name, SourcePos pos) {
  if (target.is_null()) return nullptr;
  if (auto o = target.object_if()) {
    auto v = o->find(name);
    return v ? *v : Value();
  }
  if (auto h = target.hashtable_if()) {
    if (auto v = h->find(name)) return *v;
    if (iequals(name, "Count")) return static_cast<std::int64_t>(h->entries.size());
    return nullptr;
  }
  if (auto a = target.array_if()) {
    if (iequals(name, "Count") || iequals(name, "Length"))
      return static_cast<std::int64_t>(a->size());
    // Member enumeration: the property of each element.
    Array out;
    for (const auto& item : *a) {
      Value v = member(item, name, pos);
      if (!v.is_null()) out.push_back(v);
    }
    return collapse(std::move(out));
  }
  if (auto s = target.string_if()) {
    if (iequals(name, "Length")) return static_cast<std::int64_t>(s->size());
    return nullptr;
  }
  return nullptr;
}

Value Interpreter::call_method(const Value& target, const std::string& name,
                               const std::vector<Value>& args, SourcePos pos) {
  if (iequals(name, "ToString") && args.empty()) return target.to_string();
  auto o = target.object_if();
  if (o && o->type_name == kTextWriterType && iequals(name, "WriteLine") && args.size() <= 1) {
    std::ostream& stream = o->display == "stderr" ? err_ : out_;
    stream << (args.empty() ? std::string() : args.front().to_string()) << '\n';
    stream.flush();
    return nullptr;
  }
  if (target.is_null())
    throw ScriptError(runtime_error("You cannot call a method on a null-valued expression.", pos,
                                    "InvokeMethodOnNull"));
  throw ScriptError(runtime_error(
      fmt::format("Method invocation failed because [{}] does not contain a method named '{}'.",
                  target.type_name(), name),
      pos, "MethodNotFound"));
}

Value Interpreter::cast(const std::string& type, const Value& v, SourcePos pos) {
  std::string t = to_lower(type);
  if (t == "string" || t == "system.string") return v.to_string();
  if (t == "bool" || t == "system.boolean") return v.truthy();
  if (t == "int" || t == "int32" || t == "long" || t == "int64") {
    if (v.is_integer()) return v;
    if (v.is_null()) return 0;
    std::string s = v.to_string();
    try {
      std::size_t used = 0;
      long long n = std::stoll(s, &used);
      if (used == s.size()) return static_cast<std::int64_t>(n);
    } catch (const std::exception&) {
    }
    throw ScriptError(runtime_error(
        fmt::format("Cannot convert value \"{}\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"", s),
        pos, "InvalidCastFromStringToInteger", "InvalidArgument"));
  }
  if (t == "array" || t == "object[]") return Value(Array(enumerate(v, true)));
  if (t == "pscustomobject") {
    if (auto h = v.hashtable_if())
      return Value(make_object("System.Management.Automation.PSCustomObject", h->entries));
    return v;
  }
  if (t == "ordered") {
    if (v.hashtable_if()) return v;
    throw ScriptError(runtime_error(
        "The ordered attribute can be specified only on a hash literal node.", pos,
        "OrderedAttributeOnlyOnHashLiteralNode", "ParserError"));
  }
  throw ScriptError(runtime_error(fmt::format("Unable to find type [{}].", type), pos,
                                  "TypeNotFound"));
}

void Interpreter::write_error(ErrorRecord record) {
  std::string pref = error_action();
  if (pref == "Stop") throw ScriptError(std::move(record));
  had_error_ = true;
  if (pref == "SilentlyContinue" || pref == "Ignore") return;
  print_error(record);
}

void Interpreter::print_error(const ErrorRecord& r) {
  had_error_ = true;
  out_.flush();
  std::string line = source_line(source_, r.pos.line);
  std::size_t width = r.extent ? r.extent : r.command.empty() ? 1 : r.command.size();
  if (r.command.empty()) {
    err_ << r.message << '\n';
  } else {
    err_ << r.command << " : " << r.message << '\n';
  }
  err_ << fmt::format("At line:{} char:{}\n", r.pos.line, r.pos.column);
  err_ << "+ " << line << '\n';
  err_ << "+ " << std::string(static_cast<std::size_t>(r.pos.column - 1), ' ')
       << std::string(width, '~') << '\n';
  err_ << fmt::format("    + CategoryInfo          : {}: (:) [{}], {}\n", r.category, r.command,
                      short_type(r.exception_type));
  err_ << fmt::format("    + FullyQualifiedErrorId : {}{}\n", r.error_id,
                      r.command.empty() ? "" : "," + r.command);
  err_ << '\n';
  err_.flush();
}

void Interpreter::print_parse_error(const ParseError& e) {
  std::string line = source_line(source_, e.pos().line);
  err_ << fmt::format("At line:{} char:{}\n", e.pos().line, e.pos().column);
  err_ << "+ " << line << '\n';
  err_ << "+ " << std::string(static_cast<std::size_t>(e.pos().column - 1), ' ') << "~\n";
  err_ << e.what() << '\n';
  err_ << "    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException\n";
  err_ << "    + FullyQualifiedErrorId : " << e.error_id() << "\n\n";
  err_.flush();
}

void Interpreter::print_output(const Value& v) {
  if (auto o = v.object_if()) {
    std::size_t width = 0;
    for (const auto& [k, _] : o->properties) width = std::max(width, k.size());
    out_ << '\n';
    for (const auto& [k, val] : o->properties)
      out_ << k << std::string(width - k.size(), ' ') << " : " << val.to_string() << '\n';
    out_ << '\n';
  } else if (auto h = v.hashtable_if()) {
    for (const auto& [k, val] : h->entries) out_ << k << " : " << val.to_string() << '\n';
  } else if (auto a = v.array_if()) {
    for (const auto& item : *a) print_output(item);
  } else if (!v.is_null()) {
    out_ << v.to_string() << '\n';
  }
  out_.flush();
}

}  // namespace cssim
