// The terminal report: the verdict first (status, RTO, error), then the timeline, then
// details (errors, outputs, approvals, overrides) an operator scrolls to when needed.
#pragma once

#include <string>

#include "report_model.h"

namespace drkit {

std::string render_text_report(const ReportModel& m);

// The first line of `text`, cut to `max` characters with "..." (for table cells).
std::string first_line(const std::string& text, std::size_t max);

// "notifier: event not delivered: error" from a notifier.failed event.
std::string notifier_failure_text(const EventRecord& e);

// A readiness line: when the newest passing `drkit check` ran and whether it checked the
// manifest this run used.
std::string readiness_text(const ReportModel& m);

}  // namespace drkit
