#include "terminal_approver.h"

#include <pwd.h>
#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

namespace drkit::cli {

TerminalApprover::TerminalApprover(Console& console, bool yes, std::set<std::string> approved)
    : console_(console), yes_(yes), approved_(std::move(approved)) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const auto* pw = ::getpwuid(::getuid());
  who_ = fmt::format("{}@{}", pw ? pw->pw_name : std::to_string(::getuid()), host);
}

Approval TerminalApprover::ask(const std::string& step_id, const std::string& text) {
  if (approved_.count(step_id)) return {true, who_, "--approve"};
  if (yes_) return {true, who_, "--yes"};
  if (!::isatty(STDIN_FILENO)) {
    console_.line(fmt::format("  gate   {}: {}\n         not approved: no terminal to ask on; pass --approve {} "
                              "(or --yes) to approve it",
                              step_id, text, step_id));
    return {false, who_, "non-interactive"};
  }
  console_.line(fmt::format("\n  gate   {}: {}\n         type '{}' to approve, anything else refuses:", step_id, text,
                            step_id));
  std::string answer;
  std::getline(std::cin, answer);
  while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.back()))) answer.pop_back();
  return {answer == step_id, who_, "terminal"};
}

}  // namespace drkit::cli
