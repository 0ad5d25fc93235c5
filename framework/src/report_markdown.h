// The Markdown report: the same content as the text report, as tables, for a ticket or
// the post-incident review.
#pragma once

#include <string>

#include "report_model.h"

namespace drkit {

std::string render_markdown_report(const ReportModel& m);

}  // namespace drkit
