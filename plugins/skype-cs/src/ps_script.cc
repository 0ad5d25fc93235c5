#include "ps_script.h"

#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "ps_quote.h"

namespace drkit::skype_cs {

std::string wrap_script(std::string_view module_import, const std::vector<std::string>& statements) {
  std::string body;
  if (!module_import.empty()) body = std::string(module_import);
  for (const auto& s : statements) {
    if (!body.empty()) body += "; ";
    body += s;
  }
  return fmt::format(
      "$ErrorActionPreference = 'Stop'; try {{ {} }} catch {{ "
      "[Console]::Error.WriteLine($_.Exception.Message); [Console]::Out.WriteLine('{}'); exit 1 }}\n",
      body, kFailedMarker);
}

std::string project(const std::vector<std::string>& props, const std::vector<std::string>& list_props) {
  std::string fields;
  for (const auto& p : props) {
    if (!fields.empty()) fields += "; ";
    fields += fmt::format("{0} = [string]$_.{0}", p);
  }
  for (const auto& p : list_props) {
    if (!fields.empty()) fields += "; ";
    fields += fmt::format("{0} = @($_.{0} | ForEach-Object {{ [string]$_ }})", p);
  }
  return fmt::format(" | ForEach-Object {{ [pscustomobject]@{{ {} }} }}", fields);
}

std::string ps_literal(std::string_view param, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "$null";
    case boost::json::kind::bool_: return v.get_bool() ? "$true" : "$false";
    case boost::json::kind::int64: return std::to_string(v.get_int64());
    case boost::json::kind::uint64: return std::to_string(v.get_uint64());
    case boost::json::kind::double_:
      throw ConfigError(fmt::format("{}: numbers must be integers (got {})", param, v.get_double()));
    case boost::json::kind::string: {
      std::string_view s = v.get_string();
      validate_single_line(param, s);
      return ps_quote(s);
    }
    case boost::json::kind::array: {
      std::string out = "@(";
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ",";
        first = false;
        out += ps_literal(param, item);
      }
      return out + ")";
    }
    case boost::json::kind::object: {
      std::string out = "@{";
      bool first = true;
      for (const auto& kv : v.get_object()) {
        validate_name(fmt::format("{} key", param), kv.key());
        if (!first) out += "; ";
        first = false;
        out += fmt::format("{}={}", std::string_view(kv.key()), ps_literal(param, kv.value()));
      }
      return out + "}";
    }
  }
  return "$null";
}

std::string ps_arguments(std::string_view param, const boost::json::object& args) {
  std::string out;
  for (const auto& kv : args) {
    std::string name(kv.key());
    validate_name(fmt::format("{} key", param), name);
    if (kv.value().is_bool()) {
      out += kv.value().get_bool() ? fmt::format(" -{}", name) : fmt::format(" -{}:$false", name);
    } else {
      out += fmt::format(" -{} {}", name, ps_literal(fmt::format("{}.{}", param, name), kv.value()));
    }
  }
  return out;
}

}  // namespace drkit::skype_cs
