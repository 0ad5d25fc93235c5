#include <fmt/format.h>

#include "command.h"
#include "drkit/errors.hpp"
#include "exit_code.h"
#include "journal.h"
#include "report.h"
#include "workspace.h"

namespace drkit::cli {

std::function<int()> setup_report(CLI::App& app, GlobalOptions& o) {
  auto run_id = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("text");
  app.add_option("RUN_ID", *run_id, "The run (or 'last')")->required();
  app.add_option("--format", *format, "text, json or md")->check(CLI::IsMember({"text", "json", "md"}));
  return [&o, run_id, format]() -> int {
    auto journal = Journal::open(state_dir(o));
    std::string id = *run_id;
    if (id == "last") {
      auto runs = journal->list_runs(1);
      if (runs.empty()) throw ConfigError("no runs in the journal yet");
      id = runs.front().id;
    }
    if (!journal->find_run(id)) throw ConfigError(fmt::format("no run '{}' in the journal (see `drkit runs`)", id));
    ReportFormat f = *format == "json" || o.json() ? ReportFormat::json
                     : *format == "md"             ? ReportFormat::markdown
                                                   : ReportFormat::text;
    fmt::print("{}", render_report(*journal, id, f));
    return kOk;
  };
}

}  // namespace drkit::cli
