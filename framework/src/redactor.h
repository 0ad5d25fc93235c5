// Redactor: replaces every known secret value with "***".
//
// Every resolved ${secret:...} value and every parameter declared `secret` is added before
// it can be used; logs, the journal, events, reports and error messages pass through
// redact(). Thread-safety: all members are safe to call concurrently.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace drkit {

class Redactor {
 public:
  // Values shorter than 3 characters are ignored: masking "1" everywhere would make logs
  // unreadable and protects nothing.
  void add(std::string secret);
  std::string redact(std::string_view text) const;
  // Redacts every string inside a JSON value (keys are left alone).
  boost::json::value redact_json(const boost::json::value& v) const;
  bool empty() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> secrets_;  // longest first, so overlapping secrets mask fully
};

}  // namespace drkit
