#include "report_model.h"

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include <fmt/format.h>

namespace drkit {

const char* to_string(RtoVerdict v) {
  switch (v) {
    case RtoVerdict::no_target: return "no_target";
    case RtoVerdict::met: return "met";
    case RtoVerdict::missed: return "missed";
    case RtoVerdict::not_met: return "not_met";
    case RtoVerdict::unfinished: return "unfinished";
  }
  return "no_target";
}

std::string human_duration(Duration d) {
  if (d >= std::chrono::seconds(10)) {
    // Round to the nearest second: "3m12s" reads better than "3m11s731ms" at 3 a.m.
    d = std::chrono::duration_cast<Duration>(std::chrono::round<std::chrono::seconds>(d));
  }
  return format_duration(d);
}

namespace {

std::tm utc(TimePoint t, int* millis) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  if (millis) *millis = static_cast<int>(ms % 1000);
  return tm;
}

Duration between(TimePoint from, TimePoint to) {
  return std::chrono::duration_cast<Duration>(to - from);
}

RtoFigures rto_of(const ReportModel& m) {
  RtoFigures r;
  r.target = m.run.rto_target;
  bool finished = m.run.finished_at && m.run.status != RunStatus::running;
  r.elapsed = between(m.run.started_at, finished ? *m.run.finished_at : m.now);
  std::optional<TimePoint> first, last;
  for (const auto& a : m.attempts) {
    if (a.kind == "guard") continue;
    if (!first || a.started_at < *first) first = a.started_at;
    TimePoint end = a.finished_at.value_or(a.started_at);
    if (!last || end > *last) last = end;
  }
  if (first && last) r.steps_span = between(*first, *last);
  if (!r.target) {
    r.verdict = RtoVerdict::no_target;
    r.text = fmt::format("no rto_target declared; the run {} {}", finished ? "took" : "has run for",
                         human_duration(*r.elapsed));
    return r;
  }
  std::string target = format_duration(*r.target);  // exact, as the manifest declares it
  if (*r.elapsed > *r.target) r.over_by = *r.elapsed - *r.target;
  if (!finished || m.run.status == RunStatus::interrupted) {
    r.verdict = RtoVerdict::unfinished;
    std::string so_far = m.run.status == RunStatus::interrupted
                             ? fmt::format("interrupted after {}", human_duration(*r.elapsed))
                             : fmt::format("{} so far", human_duration(*r.elapsed));
    r.text = r.over_by ? fmt::format("already missed by {}: {} against a target of {} (run not finished)",
                                     human_duration(*r.over_by), so_far, target)
                       : fmt::format("not reached yet: {} of a target of {}", so_far, target);
    return r;
  }
  if (m.run.status != RunStatus::succeeded) {
    r.verdict = RtoVerdict::not_met;
    r.text = fmt::format("not met: the run {} after {} (target {})", to_string(m.run.status),
                         human_duration(*r.elapsed), target);
    return r;
  }
  // The figures in the sentence add up: the margin is computed from the elapsed time as
  // shown, which is exact to the millisecond when it or the margin is under 10 s.
  Duration margin = *r.elapsed > *r.target ? *r.elapsed - *r.target : *r.target - *r.elapsed;
  Duration shown = margin < std::chrono::seconds(10) || *r.elapsed < std::chrono::seconds(10)
                       ? *r.elapsed
                       : std::chrono::duration_cast<Duration>(std::chrono::round<std::chrono::seconds>(*r.elapsed));
  if (r.over_by) {
    r.verdict = RtoVerdict::missed;
    r.text = fmt::format("missed by {}: {} against a target of {}", format_duration(shown - *r.target),
                         format_duration(shown), target);
  } else {
    r.verdict = RtoVerdict::met;
    r.text = fmt::format("met: {} against a target of {} ({} to spare)", format_duration(shown), target,
                         format_duration(*r.target - shown));
  }
  return r;
}

}  // namespace

std::string human_time(TimePoint t) {
  std::tm tm = utc(t, nullptr);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string clock_time(TimePoint t) {
  int ms = 0;
  std::tm tm = utc(t, &ms);
  return fmt::format("{:02}:{:02}:{:02}.{:03}", tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

std::optional<Duration> attempt_duration(const AttemptRecord& a) {
  if (!a.finished_at) return std::nullopt;
  return between(a.started_at, *a.finished_at);
}

std::string attempt_status_text(const ReportModel& m, const AttemptRecord& a) {
  if (a.status == StepStatus::running && !a.finished_at)
    return m.run.status == RunStatus::running ? "running" : "no outcome";
  return to_string(a.status);
}

std::vector<std::pair<std::string, boost::json::object>> step_outputs(const ReportModel& m) {
  std::vector<std::pair<std::string, boost::json::object>> out;
  for (const auto& a : m.attempts) {
    if (a.kind != "step" || a.status != StepStatus::succeeded || a.outputs.empty()) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == a.step_id; });
    if (it == out.end()) out.emplace_back(a.step_id, a.outputs);
    else it->second = a.outputs;  // a later successful attempt (after a resume) wins
  }
  return out;
}

ReportModel build_report_model(const Journal& journal, const std::string& run_id, TimePoint now) {
  auto run = journal.find_run(run_id);
  if (!run) throw std::runtime_error(fmt::format("no run '{}' in the journal (see `drkit runs`)", run_id));
  ReportModel m;
  m.run = std::move(*run);
  m.now = now;
  m.attempts = journal.attempts(run_id);
  m.approvals = journal.approvals(run_id);
  m.guard_overrides = journal.guard_overrides(run_id);
  for (auto& e : journal.events(run_id))
    if (e.type == "notifier.failed") m.notifier_failures.push_back(std::move(e));
  m.last_check = journal.last_passing_check(m.run.manifest_path, m.run.pipeline, m.run.environment);
  m.rto = rto_of(m);
  return m;
}

}  // namespace drkit
