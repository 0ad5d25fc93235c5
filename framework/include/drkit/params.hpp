// Params: a component's validated parameters.
//
// By the time a component sees a Params, the framework has checked every value against the
// component's spec, applied defaults and resolved templates (${var.x}, ${secret:...},
// ${steps.ID.outputs.K}). The accessors therefore only fail on a programming error (asking
// for a parameter the spec does not declare, or with the wrong type): they throw ConfigError.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "drkit/duration.hpp"
#include "drkit/export.hpp"

namespace drkit {

struct ResourceRef;

class DRKIT_API Params {
 public:
  Params() = default;
  // `values` maps parameter names to resolved values; `resources` maps the names of
  // resource-typed parameters to the resources they reference.
  explicit Params(boost::json::object values,
                  std::map<std::string, std::shared_ptr<const ResourceRef>> resources = {});

  // True when the parameter was given or has a non-null default.
  bool has(std::string_view key) const;

  std::string string(std::string_view key) const;
  std::int64_t integer(std::string_view key) const;
  bool boolean(std::string_view key) const;
  Duration duration(std::string_view key) const;
  const boost::json::array& list(std::string_view key) const;
  // A list whose items are strings.
  std::vector<std::string> strings(std::string_view key) const;
  const boost::json::object& object(std::string_view key) const;
  // The resource a resource-typed parameter names, with its own validated parameters.
  const ResourceRef& resource(std::string_view key) const;

  // Optional accessors: the fallback when the parameter is absent.
  std::string string_or(std::string_view key, std::string_view fallback) const;
  std::int64_t integer_or(std::string_view key, std::int64_t fallback) const;
  bool boolean_or(std::string_view key, bool fallback) const;

  // All values, for components that forward them (e.g. an escape-hatch step).
  const boost::json::object& json() const { return values_; }

 private:
  const boost::json::value& at(std::string_view key) const;

  boost::json::object values_;
  std::map<std::string, std::shared_ptr<const ResourceRef>, std::less<>> resources_;
};

// A resource declared in the manifest ("backup_sql" of type "sqlserver.instance").
struct ResourceRef {
  std::string name;
  std::string type;
  Params params;
};

}  // namespace drkit
