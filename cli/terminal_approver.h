// Approves gates: --yes, --approve ID, or (on a terminal) the operator typing the step id.
//
// On a terminal the prompt shows the gate text and reads one line: the step id approves,
// anything else (or end of input, Ctrl-D) refuses. Input typed before the prompt appeared is
// discarded, so a stray Enter or an early answer never approves a question nobody read.
// Ctrl-C at the prompt interrupts the run like Ctrl-C anywhere else (exit 4, resumable):
// while the prompt waits the terminal does not send SIGINT itself (the prompt reads ^C as an
// answer), so the approver raises SIGINT for the CLI's signal handler and stops waiting.
//
// Thread-safety: ask() is called by one thread at a time (the engine serializes gates);
// interrupt() may be called from any thread, also while ask() waits.
#pragma once

#include <set>
#include <string>

#include "console.h"
#include "engine.h"

namespace drkit::cli {

class TerminalApprover final : public Approver {
 public:
  TerminalApprover(Console& console, bool yes, std::set<std::string> approved);
  ~TerminalApprover() override;
  TerminalApprover(const TerminalApprover&) = delete;
  TerminalApprover& operator=(const TerminalApprover&) = delete;

  Approval ask(const std::string& step_id, const std::string& text) override;

  // The run is being interrupted (SIGINT/SIGTERM): a prompt that is waiting gives up at once
  // as "interrupted", and so does any later one. Only writes to a pipe: safe from any thread.
  void interrupt();

 private:
  enum class Answer { line, end_of_input, ctrl_c, interrupted };
  Answer read_answer(std::string& line, int interrupt_char);
  void wait_for_interrupt_to_take_effect();
  bool interrupted() const;  // interrupt() was called

  Console& console_;
  bool yes_;
  std::set<std::string> approved_;
  std::string who_;
  int wake_[2] = {-1, -1};  // interrupt() writes a byte; ask() polls the read end
};

}  // namespace drkit::cli
