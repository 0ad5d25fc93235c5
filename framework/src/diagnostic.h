// Diagnostic: one problem found in the user's input, pointing at where it is.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace drkit {

struct Diagnostic {
  std::string file;     // "drkit.json"; empty when not from a file
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based
  std::string path;     // JSON path: "pipelines.failover.steps[3].with.database"
  std::string message;  // a sentence that says what is wrong and what to do

  // "drkit.json:41:18: pipelines.failover.steps[3].uses: unknown component ..."
  std::string to_string() const;
};

using Diagnostics = std::vector<Diagnostic>;

// Thrown when input is invalid; carries every problem found, not just the first.
class ValidationFailed : public std::runtime_error {
 public:
  explicit ValidationFailed(Diagnostics diagnostics);
  const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  Diagnostics diagnostics_;
};

}  // namespace drkit
