// Console: what an operator sees while a run goes on.
//
// On a terminal: one line per step state change, log lines indented under their step, and a
// progress bar redrawn in place. Otherwise (CI, ssh without a tty, a pipe): the same lines,
// and progress as a plain line at most every 5 seconds per step.
//
// Thread-safety: all members may be called from several threads.
#pragma once

#include <chrono>
#include <map>
#include <mutex>

#include "engine.h"
#include "global_options.h"

namespace drkit::cli {

class Console final : public EngineObserver {
 public:
  explicit Console(const GlobalOptions& options);

  void on_log(const Invocation& who, LogLevel level, std::string_view message) override;
  void on_progress(const Invocation& who, std::uint64_t done, std::uint64_t total, std::string_view unit) override;
  void on_step(const std::string& step_id, const std::string& state, const std::string& message,
               std::optional<double> seconds) override;
  void on_note(std::string_view message) override;

  // Prints a line (clearing any progress bar first).
  void line(const std::string& text);

 private:
  void clear_bar();

  bool tty_;
  bool verbose_;
  bool quiet_;  // --output json: the final JSON goes to stdout, the narrative to stderr
  std::mutex mu_;
  bool bar_shown_ = false;
  std::map<std::string, std::chrono::steady_clock::time_point> last_plain_;
};

// "1.2 GiB", "512 B"
std::string human_bytes(std::uint64_t n);
// "4.2s", "3m12s"
std::string human_seconds(double s);

}  // namespace drkit::cli
