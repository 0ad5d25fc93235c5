// What a run report says, gathered from the journal once and rendered three ways
// (report_text.cc, report_markdown.cc, report.cc for JSON). Private to the report.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "drkit/duration.hpp"
#include "journal.h"

namespace drkit {

// How the run's duration compares with the pipeline's rto_target.
enum class RtoVerdict {
  no_target,   // the pipeline declares no rto_target
  met,         // succeeded within the target
  missed,      // succeeded, but after the target
  not_met,     // failed, refused or rolled back: service was not recovered by this run
  unfinished,  // still running or interrupted (resumable)
};
const char* to_string(RtoVerdict v);

struct RtoFigures {
  RtoVerdict verdict = RtoVerdict::no_target;
  std::optional<Duration> target;
  // Run start to run end (or to now while unfinished): what the RTO is measured on,
  // including approval waits and the time between a crash and `drkit resume`.
  std::optional<Duration> elapsed;
  // First step start to last step end (guards excluded): the recovery work itself.
  std::optional<Duration> steps_span;
  std::optional<Duration> over_by;  // elapsed - target, when positive
  std::string text;                 // one line: "met: 4m10s against a target of 5m (50s to spare)"
};

struct ReportModel {
  RunRecord run;
  std::vector<AttemptRecord> attempts;  // start order
  std::vector<ApprovalRecord> approvals;
  std::vector<GuardOverrideRecord> guard_overrides;
  std::vector<EventRecord> notifier_failures;  // events of type notifier.failed
  std::optional<CheckRecord> last_check;       // newest passing `drkit check` of this target
  RtoFigures rto;
  TimePoint now{};  // when the report was made (for unfinished runs)
};

// Throws std::runtime_error if the run is unknown.
ReportModel build_report_model(const Journal& journal, const std::string& run_id, TimePoint now);

// An attempt's duration, or nullopt if it recorded no outcome.
std::optional<Duration> attempt_duration(const AttemptRecord& a);

// Durations as an operator reads them: exact below 10 s ("1s250ms"), whole seconds above
// ("3m12s"), via drkit::format_duration.
std::string human_duration(Duration d);

// "2026-11-23 14:15:03 UTC"
std::string human_time(TimePoint t);
// "14:15:03.120"
std::string clock_time(TimePoint t);

// The outputs of each step's last successful attempt, in the order steps first started.
std::vector<std::pair<std::string, boost::json::object>> step_outputs(const ReportModel& m);

// Status word of an attempt for display: "running" only while the run still runs; an
// attempt left without outcome by a dead process reads "no outcome".
std::string attempt_status_text(const ReportModel& m, const AttemptRecord& a);

}  // namespace drkit
