// Run reports: what happened, from the journal alone.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "journal.h"

namespace drkit {

enum class ReportFormat { text, json, markdown };

// Builds the report of `run_id`: run summary (pipeline, environment, status, who, where),
// timeline of attempts with durations, outputs, errors, approvals, guard overrides, and the
// RTO (first step start to last step end, and run start to end) against the run's
// rto_target ("met" / "missed by 3m12s"). Throws std::runtime_error if the run is unknown.
std::string render_report(const Journal& journal, const std::string& run_id, ReportFormat format);

// The same data as JSON (what --format json prints).
boost::json::object report_json(const Journal& journal, const std::string& run_id);

}  // namespace drkit
