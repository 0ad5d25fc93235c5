#include "report_markdown.h"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "report_text.h"

namespace drkit {

namespace {

// A table cell: pipes escaped, newlines as <br>, Markdown emphasis characters escaped.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '|': out += "\\|"; break;
      case '\n': out += "<br>"; break;
      case '\r': break;
      case '*': case '_': case '`': case '<': case '>': case '[': case ']': case '\\':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

// A fenced block that the content cannot close early.
std::string fenced(const std::string& text) {
  std::string fence = "```";
  while (text.find(fence) != std::string::npos) fence += '`';
  return fence + "\n" + text + (text.empty() || text.back() != '\n' ? "\n" : "") + fence + "\n";
}

}  // namespace

std::string render_markdown_report(const ReportModel& m) {
  const RunRecord& r = m.run;
  std::string out;
  out += fmt::format("# drkit run {}: {}{}\n\n", cell(r.id), to_string(r.status), r.dry_run ? " (dry run)" : "");
  out += "| | |\n|---|---|\n";
  out += fmt::format("| Pipeline | {} |\n", cell(r.pipeline));
  out += fmt::format("| Environment | {} |\n", cell(r.environment.empty() ? "-" : r.environment));
  out += fmt::format("| Status | **{}** |\n", to_string(r.status));
  out += fmt::format("| RTO | {} |\n", cell(m.rto.text));
  if (m.rto.steps_span) out += fmt::format("| Steps took | {} |\n", human_duration(*m.rto.steps_span));
  if (!r.error.empty()) out += fmt::format("| Error | {} |\n", cell(r.error));
  out += fmt::format("| Started | {} by {} (pid {} on {}) |\n", human_time(r.started_at), cell(r.user), r.pid, cell(r.host));
  if (r.finished_at && r.status != RunStatus::running) out += fmt::format("| Ended | {} |\n", human_time(*r.finished_at));
  out += fmt::format("| Manifest | {} (sha256 {}) |\n", cell(r.manifest_path), r.manifest_hash.substr(0, 12));
  out += fmt::format("| Readiness | {} |\n", cell(readiness_text(m)));

  out += "\n## Timeline (UTC)\n\n";
  if (m.attempts.empty()) {
    out += "No steps ran.\n";
  } else {
    out += "| Time | Step | Kind | Try | Status | Duration | Error |\n|---|---|---|---:|---|---:|---|\n";
    for (const auto& a : m.attempts) {
      auto d = attempt_duration(a);
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", clock_time(a.started_at), cell(a.step_id),
                         cell(a.kind), a.attempt, attempt_status_text(m, a), d ? human_duration(*d) : "-",
                         cell(a.error));
    }
  }

  auto outputs = step_outputs(m);
  if (!outputs.empty()) {
    out += "\n## Outputs\n";
    for (const auto& [step, obj] : outputs) {
      out += fmt::format("\n### {}\n\n", cell(step));
      for (const auto& kv : obj) {
        const auto& v = kv.value();
        std::string text = v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
        if (text.find('\n') == std::string::npos && text.size() <= 120)
          out += fmt::format("- {}: `{}`\n", cell(std::string(kv.key())), text.find('`') == std::string::npos ? text : cell(text));
        else
          out += fmt::format("- {}:\n\n{}\n", cell(std::string(kv.key())), fenced(text));
      }
    }
  }

  if (!m.approvals.empty()) {
    out += "\n## Approvals\n\n| Time | Gate | Decision | By | How | Question |\n|---|---|---|---|---|---|\n";
    for (const auto& a : m.approvals)
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", human_time(a.decided_at), cell(a.step_id),
                         a.approved ? "approved" : "refused", cell(a.approver), cell(a.method), cell(a.gate_text));
  }
  if (!m.guard_overrides.empty()) {
    out += "\n## Guard overrides\n\n| Time | Guard | By | Reason it failed |\n|---|---|---|---|\n";
    for (const auto& g : m.guard_overrides)
      out += fmt::format("| {} | {} | {} | {} |\n", human_time(g.at), cell(g.guard_id), cell(g.user), cell(g.reason));
  }
  if (!m.notifier_failures.empty()) {
    out += "\n## Notifier failures\n\n";
    for (const auto& e : m.notifier_failures)
      out += fmt::format("- {}: {}\n", human_time(e.time), cell(notifier_failure_text(e)));
  }
  return out;
}

}  // namespace drkit
