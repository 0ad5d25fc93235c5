#include "report.h"

#include <boost/json/serialize.hpp>

#include "journal_time.h"
#include "report_markdown.h"
#include "report_model.h"
#include "report_text.h"

namespace drkit {

namespace json = boost::json;

namespace {

json::value ms_or_null(const std::optional<Duration>& d) {
  return d ? json::value(d->count()) : json::value(nullptr);
}

json::value time_or_null(const std::optional<TimePoint>& t) {
  return t ? json::value(to_iso8601(*t)) : json::value(nullptr);
}

json::object to_json(const ReportModel& m) {
  const RunRecord& r = m.run;
  bool ended = r.finished_at && r.status != RunStatus::running;
  json::object run{{"id", r.id},
                   {"pipeline", r.pipeline},
                   {"environment", r.environment},
                   {"status", to_string(r.status)},
                   {"dry_run", r.dry_run},
                   {"manifest_path", r.manifest_path},
                   {"manifest_hash", r.manifest_hash},
                   {"started_at", to_iso8601(r.started_at)},
                   {"finished_at", ended ? time_or_null(r.finished_at) : json::value(nullptr)},
                   {"duration_ms", ended ? ms_or_null(m.rto.elapsed) : json::value(nullptr)},
                   {"user", r.user},
                   {"host", r.host},
                   {"pid", r.pid},
                   {"error", r.error},
                   {"rto_target_ms", ms_or_null(r.rto_target)}};

  json::object rto{{"verdict", to_string(m.rto.verdict)},
                   {"target_ms", ms_or_null(m.rto.target)},
                   {"elapsed_ms", ms_or_null(m.rto.elapsed)},
                   {"steps_ms", ms_or_null(m.rto.steps_span)},
                   {"missed_by_ms", ms_or_null(m.rto.over_by)},
                   {"text", m.rto.text}};

  json::array attempts;
  for (const auto& a : m.attempts)
    attempts.push_back(json::object{{"id", a.id},
                                    {"step_id", a.step_id},
                                    {"kind", a.kind},
                                    {"uses", a.uses},
                                    {"attempt", a.attempt},
                                    {"status", attempt_status_text(m, a)},
                                    {"started_at", to_iso8601(a.started_at)},
                                    {"finished_at", time_or_null(a.finished_at)},
                                    {"duration_ms", ms_or_null(attempt_duration(a))},
                                    {"outputs", a.outputs},
                                    {"error", a.error},
                                    {"error_code", a.error_code},
                                    {"retryable", a.retryable}});

  json::object outputs;
  for (const auto& [step, obj] : step_outputs(m)) outputs[step] = obj;

  json::array approvals;
  for (const auto& a : m.approvals)
    approvals.push_back(json::object{{"step_id", a.step_id},
                                     {"gate_text", a.gate_text},
                                     {"approved", a.approved},
                                     {"approver", a.approver},
                                     {"method", a.method},
                                     {"decided_at", to_iso8601(a.decided_at)}});

  json::array overrides;
  for (const auto& g : m.guard_overrides)
    overrides.push_back(
        json::object{{"guard_id", g.guard_id}, {"user", g.user}, {"reason", g.reason}, {"at", to_iso8601(g.at)}});

  json::array notifier_failures;
  for (const auto& e : m.notifier_failures)
    notifier_failures.push_back(json::object{{"time", to_iso8601(e.time)}, {"step_id", e.step_id}, {"data", e.data}});

  json::value readiness = nullptr;
  if (m.last_check)
    readiness = json::object{{"last_passing_check_at", to_iso8601(m.last_check->at)},
                             {"manifest_hash", m.last_check->manifest_hash},
                             {"same_manifest", m.last_check->manifest_hash == r.manifest_hash}};

  return json::object{{"run", std::move(run)},
                      {"rto", std::move(rto)},
                      {"attempts", std::move(attempts)},
                      {"outputs", std::move(outputs)},
                      {"approvals", std::move(approvals)},
                      {"guard_overrides", std::move(overrides)},
                      {"notifier_failures", std::move(notifier_failures)},
                      {"readiness", std::move(readiness)}};
}

}  // namespace

boost::json::object report_json(const Journal& journal, const std::string& run_id) {
  return to_json(build_report_model(journal, run_id, std::chrono::system_clock::now()));
}

std::string render_report(const Journal& journal, const std::string& run_id, ReportFormat format) {
  ReportModel m = build_report_model(journal, run_id, std::chrono::system_clock::now());
  switch (format) {
    case ReportFormat::json: return json::serialize(to_json(m)) + "\n";
    case ReportFormat::markdown: return render_markdown_report(m);
    case ReportFormat::text: break;
  }
  return render_text_report(m);
}

}  // namespace drkit
