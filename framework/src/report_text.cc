#include "report_text.h"

#include <algorithm>
#include <cctype>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace drkit {

namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Each line of `text` after the first prefixed with `indent`.
std::string indented(const std::string& text, const std::string& indent) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  return out;
}

std::string value_text(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return boost::json::serialize(v);
}

// Long outputs (a command's stdout) are cut: the JSON report has them whole.
std::string clipped(const std::string& text, std::size_t max_lines) {
  std::size_t lines = 0, pos = 0;
  while (pos < text.size() && lines < max_lines) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) return text;
    ++pos;
    ++lines;
  }
  if (pos >= text.size()) return text;
  std::size_t rest = static_cast<std::size_t>(std::count(text.begin() + static_cast<long>(pos), text.end(), '\n')) + 1;
  return text.substr(0, pos) + fmt::format("... ({} more lines: drkit report --format json)", rest);
}

void section(std::string& out, const char* title) { out += fmt::format("\n{}\n", title); }

}  // namespace

std::string first_line(const std::string& text, std::size_t max) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() < text.size() && line.size() + 3 <= max) line += " ...";
  if (line.size() > max) line = line.substr(0, max - 3) + "...";
  return line;
}

std::string notifier_failure_text(const EventRecord& e) {
  auto field = [&](const char* k) -> std::string {
    auto* v = e.data.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : "";
  };
  if (field("notifier").empty()) return boost::json::serialize(e.data);
  return fmt::format("{}: {} not delivered: {}", field("notifier"), field("event"), field("error"));
}

std::string readiness_text(const ReportModel& m) {
  if (!m.last_check) return "no passing `drkit check` recorded for this pipeline";
  std::string when = human_time(m.last_check->at);
  if (m.last_check->manifest_hash == m.run.manifest_hash) return "last passing `drkit check` " + when + ", same manifest";
  return "last passing `drkit check` " + when + " checked a DIFFERENT manifest (it changed since)";
}

std::string render_text_report(const ReportModel& m) {
  const RunRecord& r = m.run;
  std::string out;
  out += fmt::format("Run {}: {}{}\n", r.id, upper(to_string(r.status)), r.dry_run ? " (dry run)" : "");
  out += fmt::format("  pipeline    {}{}\n", r.pipeline,
                     r.environment.empty() ? "" : fmt::format(" (environment {})", r.environment));
  out += fmt::format("  RTO         {}\n", m.rto.text);
  if (m.rto.steps_span) out += fmt::format("  steps took  {} (first step start to last step end)\n", human_duration(*m.rto.steps_span));
  if (!r.error.empty()) out += fmt::format("  error       {}\n", indented(r.error, "              "));
  out += fmt::format("  started     {} by {} (pid {} on {})\n", human_time(r.started_at), r.user, r.pid, r.host);
  if (r.finished_at && r.status != RunStatus::running)
    out += fmt::format("  ended       {}\n", human_time(*r.finished_at));
  out += fmt::format("  manifest    {} (sha256 {})\n", r.manifest_path, r.manifest_hash.substr(0, 12));
  out += fmt::format("  readiness   {}\n", readiness_text(m));
  if (r.status == RunStatus::interrupted || (r.status == RunStatus::running && !r.finished_at))
    out += fmt::format("  next        drkit resume {}   (if its process is gone)\n", r.id);

  section(out, "Timeline (UTC)");
  if (m.attempts.empty()) out += "  no steps ran\n";
  std::size_t step_w = 4, kind_w = 4, status_w = 6;
  for (const auto& a : m.attempts) {
    step_w = std::max(step_w, a.step_id.size());
    kind_w = std::max(kind_w, a.kind.size());
    status_w = std::max(status_w, attempt_status_text(m, a).size());
  }
  step_w = std::min<std::size_t>(step_w, 32);
  if (!m.attempts.empty())
    out += fmt::format("  {:<12}  {:<{}}  {:<{}}  {:>3}  {:<{}}  {:>9}  {}\n", "TIME", "STEP", step_w, "KIND", kind_w,
                       "TRY", "STATUS", status_w, "DURATION", "NOTE");
  std::string day = m.attempts.empty() ? "" : human_time(r.started_at).substr(0, 10);
  for (const auto& a : m.attempts) {
    std::string this_day = human_time(a.started_at).substr(0, 10);
    if (this_day != day) {
      out += fmt::format("  --- {} ---\n", this_day);
      day = this_day;
    }
    auto d = attempt_duration(a);
    std::string row = fmt::format("  {:<12}  {:<{}}  {:<{}}  {:>3}  {:<{}}  {:>9}  {}", clock_time(a.started_at),
                                  first_line(a.step_id, step_w), step_w, a.kind, kind_w, a.attempt,
                                  attempt_status_text(m, a), status_w, d ? human_duration(*d) : "-",
                                  first_line(a.error, 60));
    while (!row.empty() && row.back() == ' ') row.pop_back();
    out += row + "\n";
  }

  bool any_error = false;
  for (const auto& a : m.attempts) {
    if (a.error.empty() || a.status == StepStatus::succeeded || a.status == StepStatus::skipped) continue;
    if (!any_error) section(out, "Errors");
    any_error = true;
    std::string tags = a.error_code;
    if (a.retryable) tags += tags.empty() ? "retryable" : ", retryable";
    out += fmt::format("  {}  {} (try {}, {}){}\n", clock_time(a.started_at), a.step_id, a.attempt,
                       a.uses.empty() ? a.kind : a.uses, tags.empty() ? "" : " [" + tags + "]");
    out += fmt::format("      {}\n", indented(a.error, "      "));
  }

  auto outputs = step_outputs(m);
  if (!outputs.empty()) {
    section(out, "Outputs");
    for (const auto& [step, obj] : outputs) {
      out += fmt::format("  {}\n", step);
      for (const auto& kv : obj) {
        // Empty values (a command's empty stderr) are noise here; the JSON report keeps them.
        if (kv.value().is_null() || (kv.value().is_string() && kv.value().as_string().empty())) continue;
        std::string key(kv.key());
        std::string pad(6 + key.size() + 3, ' ');
        out += fmt::format("      {} = {}\n", key, indented(clipped(value_text(kv.value()), 20), pad));
      }
    }
  }

  if (!m.approvals.empty()) {
    section(out, "Approvals");
    for (const auto& a : m.approvals) {
      out += fmt::format("  {}  {}  {} by {} ({})\n", clock_time(a.decided_at), a.step_id,
                         a.approved ? "APPROVED" : "REFUSED", a.approver, a.method);
      if (!a.gate_text.empty()) out += fmt::format("      \"{}\"\n", indented(a.gate_text, "       "));
    }
  }

  if (!m.guard_overrides.empty()) {
    section(out, "Guard overrides (--force)");
    for (const auto& g : m.guard_overrides)
      out += fmt::format("  {}  {}  overridden by {}: {}\n", clock_time(g.at), g.guard_id, g.user,
                         indented(g.reason, "      "));
  }

  if (!m.notifier_failures.empty()) {
    section(out, "Notifier failures (the run went on without them)");
    for (const auto& e : m.notifier_failures)
      out += fmt::format("  {}  {}\n", clock_time(e.time), first_line(notifier_failure_text(e), 100));
  }
  return out;
}

}  // namespace drkit
