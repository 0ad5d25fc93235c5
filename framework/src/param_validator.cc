#include "param_validator.h"

#include <fmt/format.h>

#include <cstdint>

#include <boost/json/serialize.hpp>

#include "drkit/duration.hpp"
#include "spellcheck.h"

namespace drkit {

bool has_template(std::string_view text) { return text.find("${") != std::string_view::npos; }

namespace {

const char* json_kind(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64: return "an integer";
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "a list";
    case boost::json::kind::object: return "an object";
  }
  return "?";
}

// Empty when `v` has type `type`, else what was expected.
std::string type_problem(ParamType type, const boost::json::value& v) {
  switch (type) {
    case ParamType::string:
    case ParamType::resource:
      return v.is_string() ? "" : "a string";
    case ParamType::integer:
      return v.is_int64() || v.is_uint64() ? "" : "an integer";
    case ParamType::boolean:
      return v.is_bool() ? "" : "true or false";
    case ParamType::duration:
      if (v.is_int64() && v.get_int64() >= 0) return "";
      if (v.is_string() && parse_duration(v.get_string())) return "";
      return "a duration such as \"500ms\", \"30s\", \"5m\" or \"1h30m\"";
    case ParamType::list:
      return v.is_array() ? "" : "a list";
    case ParamType::object:
      return v.is_object() ? "" : "an object";
  }
  return "";
}

// Empty when the integer `v` lies within p.minimum..p.maximum, else the error.
std::string range_problem(const ParamSpec& p, const boost::json::value& v) {
  // A uint64 beyond int64's range is above any maximum and any minimum.
  bool huge = v.is_uint64() && v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX);
  std::int64_t n = huge ? INT64_MAX : v.to_number<std::int64_t>();
  bool low = p.minimum && !huge && n < *p.minimum;
  bool high = p.maximum && (huge || n > *p.maximum);
  if (!low && !high) return "";
  std::string shown = boost::json::serialize(v);
  if (p.minimum && p.maximum)
    return fmt::format("'{}' is {}: give {} to {}", p.name, shown, *p.minimum, *p.maximum);
  if (p.minimum) return fmt::format("'{}' is {}: give {} or more", p.name, shown, *p.minimum);
  return fmt::format("'{}' is {}: give {} or less", p.name, shown, *p.maximum);
}

bool is_whole_template(const boost::json::value& v) {
  if (!v.is_string()) return false;
  std::string_view s = v.get_string();
  return s.starts_with("${") && s.ends_with("}") && s.find("${", 2) == std::string_view::npos;
}

}  // namespace

boost::json::object validate_params(const ComponentSpec& spec, const boost::json::object& with,
                                    const std::string& path, const ResourceTypeLookup& resources,
                                    const ParamCheck& check, Diagnostics& out) {
  std::vector<std::string> known;
  for (const auto& p : spec.params) known.push_back(p.name);
  for (const auto& [key, value] : with) {
    bool found = false;
    for (const auto& p : spec.params) found = found || p.name == key;
    if (!found) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      out.push_back({"", 0, 0, fmt::format("{}.{}", path, std::string_view(key)),
                     fmt::format("unknown parameter '{}' for {}{}{}", std::string_view(key),
                                 spec.name, did_you_mean(key, known),
                                 list.empty() ? " (it takes no parameters)"
                                              : " (parameters: " + list + ")")});
    }
  }
  boost::json::object result;
  for (const auto& p : spec.params) {
    std::string ppath = path + "." + p.name;
    auto it = with.find(p.name);
    if (it == with.end() || it->value().is_null()) {
      if (p.required) {
        out.push_back({"", 0, 0, path,
                       fmt::format("missing required parameter '{}' ({}: {})", p.name,
                                   to_string(p.type), p.description)});
      } else if (!p.default_value.is_null()) {
        result[p.name] = p.default_value;
      }
      continue;
    }
    const auto& v = it->value();
    result[p.name] = v;
    if (!check.templates_resolved && is_whole_template(v)) continue;
    if (auto expected = type_problem(p.type, v); !expected.empty()) {
      out.push_back({"", 0, 0, ppath,
                     fmt::format("'{}' must be {}, not {}", p.name, expected, json_kind(v))});
      continue;
    }
    if (p.type == ParamType::integer && (p.minimum || p.maximum)) {
      if (auto range = range_problem(p, v); !range.empty()) out.push_back({"", 0, 0, ppath, range});
    }
    if (p.type == ParamType::list) {
      std::size_t i = 0;
      for (const auto& item : v.get_array()) {
        bool templ = !check.templates_resolved && is_whole_template(item);
        if (auto expected = type_problem(p.item_type, item); !expected.empty() && !templ) {
          out.push_back({"", 0, 0, fmt::format("{}[{}]", ppath, i),
                         fmt::format("items of '{}' must be {}, not {}", p.name, expected,
                                     json_kind(item))});
        }
        ++i;
      }
    }
    if (!p.allowed.empty()) {
      bool ok = false;
      for (const auto& a : p.allowed) ok = ok || a == v;
      if (!ok && !(v.is_string() && has_template(v.get_string()) && !check.templates_resolved)) {
        std::string list;
        std::vector<std::string> names;
        for (const auto& a : p.allowed) {
          list += (list.empty() ? "" : ", ") + boost::json::serialize(a);
          if (a.is_string()) names.emplace_back(a.get_string());
        }
        std::string hint = v.is_string() ? did_you_mean(v.get_string(), names) : "";
        out.push_back({"", 0, 0, ppath,
                       fmt::format("{} is not an allowed value for '{}' (allowed: {}){}",
                                   boost::json::serialize(v), p.name, list, hint)});
      }
    }
    if (p.type == ParamType::resource && v.is_string() && !has_template(v.get_string())) {
      std::string name(v.get_string());
      auto type = resources(name);
      if (!type) {
        out.push_back({"", 0, 0, ppath,
                       fmt::format("unknown resource '{}'{}", name, [&] {
                         std::string hint = did_you_mean(name, check.resource_names);
                         return hint.empty() ? std::string(": declare it under \"resources\"")
                                             : hint + " (or declare it under \"resources\")";
                       }())});
      } else if (!p.resource_type.empty() && *type != p.resource_type) {
        out.push_back({"", 0, 0, ppath,
                       fmt::format("resource '{}' is of type {}, but '{}' needs a {}", name, *type,
                                   p.name, p.resource_type)});
      }
    }
  }
  return result;
}

}  // namespace drkit
