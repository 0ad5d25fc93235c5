#include "sql_error.hpp"

#include <fmt/format.h>

namespace drkit::sqlserver {

std::string Diagnostic::describe() const {
  if (number == 0) return fmt::format("SQLSTATE {}: {}", sqlstate, message);
  std::string head = fmt::format("Msg {}", number);
  if (severity) head += fmt::format(", Level {}", *severity);
  if (state) head += fmt::format(", State {}", *state);
  // Without the class the SQLSTATE is the only hint of what kind of error this is.
  if (!severity) head += fmt::format(", SQLSTATE {}", sqlstate);
  return head + ": " + message;
}

boost::json::object Diagnostic::to_json() const {
  auto optional = [](const std::optional<int>& v) { return v ? boost::json::value(*v) : boost::json::value(nullptr); };
  return {{"number", number}, {"class", optional(severity)}, {"state", optional(state)},
          {"sqlstate", sqlstate}, {"message", message}};
}

bool is_link_failure(const Diagnostic& d) {
  // FreeTDS: 20003 read timeout on login, 20004 read failed, 20006 write failed, 20009 unable
  // to connect, 20047 DBPROCESS dead. Class 20+ errors close the connection server-side.
  return d.sqlstate.rfind("08", 0) == 0 || d.number == 20004 || d.number == 20006 ||
         d.number == 20009 || d.number == 20047 || d.severity.value_or(0) >= 20;
}

bool is_timeout(const Diagnostic& d) { return d.sqlstate == "HYT00"; }

namespace {

std::string summary(const std::vector<Diagnostic>& errors, const std::string& context) {
  std::string text = context.empty() ? std::string() : context + ": ";
  for (std::size_t i = 0; i < errors.size(); ++i) text += (i ? "; " : "") + errors[i].describe();
  return text;
}

}  // namespace

SqlError::SqlError(std::vector<Diagnostic> errors, std::vector<Diagnostic> infos, std::string context)
    : std::runtime_error(summary(errors, context)), errors_(std::move(errors)), infos_(std::move(infos)) {
  if (errors_.empty()) errors_.push_back({"HY000", 0, {}, {}, "unknown ODBC error"});
}

bool SqlError::link_failure() const {
  for (const auto& e : errors_)
    if (is_link_failure(e)) return true;
  return false;
}

bool SqlError::timeout() const {
  for (const auto& e : errors_)
    if (is_timeout(e)) return true;
  return false;
}

bool SqlError::has_number(int number) const {
  for (const auto& e : errors_)
    if (e.number == number) return true;
  return false;
}

}  // namespace drkit::sqlserver
