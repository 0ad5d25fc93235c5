#include "console.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace drkit::cli {

std::string human_bytes(std::uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  return u == 0 ? fmt::format("{} B", n) : fmt::format("{:.1f} {}", v, units[u]);
}

std::string human_seconds(double s) {
  if (s < 60) return fmt::format("{:.1f}s", s);
  auto total = static_cast<long>(s);
  if (total < 3600) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{}h{:02}m{:02}s", total / 3600, (total % 3600) / 60, total % 60);
}

Console::Console(const GlobalOptions& options)
    : tty_(::isatty(STDERR_FILENO) != 0), verbose_(options.verbose), quiet_(options.json()) {}

void Console::clear_bar() {
  if (bar_shown_) {
    std::fputs("\r\033[K", stderr);
    bar_shown_ = false;
  }
}

void Console::line(const std::string& text) {
  std::lock_guard lock(mu_);
  clear_bar();
  std::fputs((text + "\n").c_str(), stderr);
  std::fflush(stderr);
}

void Console::on_log(const Invocation&, LogLevel level, std::string_view message) {
  if (level == LogLevel::debug && !verbose_) return;
  const char* tag = level == LogLevel::error ? "error: " : level == LogLevel::warn ? "warning: " : "";
  std::string text;
  std::string_view rest = message;
  // Indent every line of multi-line messages under the step.
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    text += fmt::format("      {}{}\n", text.empty() ? tag : "", rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  if (!text.empty()) text.pop_back();
  line(text);
}

void Console::on_progress(const Invocation& who, std::uint64_t done, std::uint64_t total, std::string_view unit) {
  auto fmt_amount = [&](std::uint64_t n) { return unit == "bytes" ? human_bytes(n) : fmt::format("{} {}", n, unit); };
  std::string text = total > 0 ? fmt::format("{} / {}", fmt_amount(done), fmt_amount(total)) : fmt_amount(done);
  std::lock_guard lock(mu_);
  if (tty_) {
    std::string bar;
    if (total > 0) {
      int width = 30;
      int filled = static_cast<int>(width * (static_cast<double>(done) / static_cast<double>(total)));
      bar = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] ";
    }
    fmt::print(stderr, "\r\033[K      {} {}{}", who.step_id, bar, text);
    std::fflush(stderr);
    bar_shown_ = true;
    return;
  }
  auto now = std::chrono::steady_clock::now();
  auto& last = last_plain_[who.step_id];
  if (done != total && now - last < std::chrono::seconds(5)) return;
  last = now;
  fmt::print(stderr, "      {} progress: {}\n", who.step_id, text);
}

void Console::on_step(const std::string& step_id, const std::string& state, const std::string& message,
                      std::optional<double> seconds) {
  const char* mark = state == "succeeded"   ? "ok"
                     : state == "failed"    ? "FAILED"
                     : state == "started"   ? ".."
                     : state == "retrying"  ? "retry"
                     : state == "skipped"   ? "skip"
                     : state == "warning"   ? "warn"
                     : state == "dry-run"   ? "plan"
                     : state == "interrupted" ? "STOP"
                                             : state.c_str();
  std::string text = fmt::format("  {:<6} {}", mark, step_id);
  if (seconds) text += fmt::format(" ({})", human_seconds(*seconds));
  if (!message.empty()) text += ": " + message;
  line(text);
}

void Console::on_note(std::string_view message) { line(fmt::format("drkit: {}", message)); }

}  // namespace drkit::cli
