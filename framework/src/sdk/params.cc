#include "drkit/params.hpp"

#include <fmt/format.h>

#include "drkit/errors.hpp"

namespace drkit {

namespace {
const boost::json::value kNull;
}

Params::Params(boost::json::object values,
               std::map<std::string, std::shared_ptr<const ResourceRef>> resources)
    : values_(std::move(values)), resources_(resources.begin(), resources.end()) {}

bool Params::has(std::string_view key) const {
  auto it = values_.find(key);
  return it != values_.end() && !it->value().is_null();
}

const boost::json::value& Params::at(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end() || it->value().is_null())
    throw ConfigError(fmt::format("parameter '{}' is not set", key));
  return it->value();
}

std::string Params::string(std::string_view key) const {
  const auto& v = at(key);
  if (!v.is_string()) throw ConfigError(fmt::format("parameter '{}' is not a string", key));
  return std::string(v.get_string());
}

std::int64_t Params::integer(std::string_view key) const {
  const auto& v = at(key);
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v.get_uint64());
  throw ConfigError(fmt::format("parameter '{}' is not an integer", key));
}

bool Params::boolean(std::string_view key) const {
  const auto& v = at(key);
  if (!v.is_bool()) throw ConfigError(fmt::format("parameter '{}' is not a boolean", key));
  return v.get_bool();
}

Duration Params::duration(std::string_view key) const {
  const auto& v = at(key);
  std::optional<Duration> d;
  if (v.is_string()) d = parse_duration(v.get_string());
  else if (v.is_int64() && v.get_int64() >= 0) d = std::chrono::seconds(v.get_int64());
  if (!d) throw ConfigError(fmt::format("parameter '{}' is not a duration", key));
  return *d;
}

const boost::json::array& Params::list(std::string_view key) const {
  const auto& v = at(key);
  if (!v.is_array()) throw ConfigError(fmt::format("parameter '{}' is not a list", key));
  return v.get_array();
}

std::vector<std::string> Params::strings(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& item : list(key)) {
    if (!item.is_string())
      throw ConfigError(fmt::format("parameter '{}' must be a list of strings", key));
    out.emplace_back(item.get_string());
  }
  return out;
}

const boost::json::object& Params::object(std::string_view key) const {
  const auto& v = at(key);
  if (!v.is_object()) throw ConfigError(fmt::format("parameter '{}' is not an object", key));
  return v.get_object();
}

const ResourceRef& Params::resource(std::string_view key) const {
  auto it = resources_.find(key);
  if (it == resources_.end() || !it->second)
    throw ConfigError(fmt::format("parameter '{}' does not name a resource", key));
  return *it->second;
}

std::string Params::string_or(std::string_view key, std::string_view fallback) const {
  return has(key) ? string(key) : std::string(fallback);
}

std::int64_t Params::integer_or(std::string_view key, std::int64_t fallback) const {
  return has(key) ? integer(key) : fallback;
}

bool Params::boolean_or(std::string_view key, bool fallback) const {
  return has(key) ? boolean(key) : fallback;
}

}  // namespace drkit
