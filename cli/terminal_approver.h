// Approves gates: --yes, --approve ID, or (on a terminal) the operator typing the step id.
#pragma once

#include <set>
#include <string>

#include "console.h"
#include "engine.h"

namespace drkit::cli {

class TerminalApprover final : public Approver {
 public:
  TerminalApprover(Console& console, bool yes, std::set<std::string> approved);
  Approval ask(const std::string& step_id, const std::string& text) override;

 private:
  Console& console_;
  bool yes_;
  std::set<std::string> approved_;
  std::string who_;
};

}  // namespace drkit::cli
