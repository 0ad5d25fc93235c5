#include "redactor.h"

#include <algorithm>

namespace drkit {

void Redactor::add(std::string secret) {
  if (secret.size() < 3) return;
  std::lock_guard lock(mu_);
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
  secrets_.push_back(std::move(secret));
  std::sort(secrets_.begin(), secrets_.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

bool Redactor::empty() const {
  std::lock_guard lock(mu_);
  return secrets_.empty();
}

std::string Redactor::redact(std::string_view text) const {
  std::string out(text);
  std::lock_guard lock(mu_);
  for (const auto& s : secrets_) {
    std::size_t pos = 0;
    while ((pos = out.find(s, pos)) != std::string::npos) {
      out.replace(pos, s.size(), "***");
      pos += 3;
    }
  }
  return out;
}

boost::json::value Redactor::redact_json(const boost::json::value& v) const {
  switch (v.kind()) {
    case boost::json::kind::string:
      return boost::json::value(redact(std::string_view(v.get_string())));
    case boost::json::kind::array: {
      boost::json::array a;
      for (const auto& item : v.get_array()) a.push_back(redact_json(item));
      return a;
    }
    case boost::json::kind::object: {
      boost::json::object o;
      for (const auto& [k, item] : v.get_object()) o[k] = redact_json(item);
      return o;
    }
    default:
      return v;
  }
}

}  // namespace drkit
