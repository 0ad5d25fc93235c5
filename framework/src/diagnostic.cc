#include "diagnostic.h"

#include <fmt/format.h>

namespace drkit {

std::string Diagnostic::to_string() const {
  std::string where;
  if (!file.empty()) {
    where = file;
    if (line > 0) where += fmt::format(":{}:{}", line, column);
    where += ": ";
  }
  if (!path.empty()) where += path + ": ";
  return where + message;
}

namespace {
std::string join(const Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds) {
    if (!out.empty()) out += '\n';
    out += d.to_string();
  }
  return out;
}
}  // namespace

ValidationFailed::ValidationFailed(Diagnostics diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace drkit
