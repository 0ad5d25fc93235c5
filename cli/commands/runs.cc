#include <boost/json/serialize.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "command.h"
#include "console.h"
#include "exit_code.h"
#include "journal.h"
#include "workspace.h"

namespace drkit::cli {

std::function<int()> setup_runs(CLI::App& app, GlobalOptions& o) {
  auto limit = std::make_shared<std::size_t>(30);
  app.add_option("--limit", *limit, "How many runs to show, newest first (default 30)");
  return [&o, limit]() -> int {
    auto journal = Journal::open(state_dir(o));
    auto runs = journal->list_runs(*limit);
    auto when = [](TimePoint t) {
      return fmt::format("{:%Y-%m-%d %H:%M:%S}", std::chrono::time_point_cast<std::chrono::seconds>(t));
    };
    auto duration = [](const RunRecord& r) -> std::optional<double> {
      if (!r.finished_at) return std::nullopt;
      return std::chrono::duration<double>(*r.finished_at - r.started_at).count();
    };
    if (o.json()) {
      boost::json::array out;
      for (const auto& r : runs) {
        boost::json::object j{{"id", r.id}, {"pipeline", r.pipeline}, {"environment", r.environment},
                              {"status", to_string(r.status)}, {"started_at", when(r.started_at)},
                              {"manifest", r.manifest_path}, {"error", r.error}};
        if (auto d = duration(r)) j["duration_seconds"] = *d;
        out.push_back(std::move(j));
      }
      fmt::print("{}\n", boost::json::serialize(out));
      return kOk;
    }
    if (runs.empty()) {
      fmt::print("no runs in {}\n", state_dir(o).string());
      return kOk;
    }
    fmt::print("{:<22} {:<12} {:<10} {:<12} {:<20} {}\n", "RUN", "PIPELINE", "ENV", "STATUS", "STARTED (UTC)", "DURATION");
    for (const auto& r : runs) {
      auto d = duration(r);
      fmt::print("{:<22} {:<12} {:<10} {:<12} {:<20} {}\n", r.id, r.pipeline, r.environment.empty() ? "-" : r.environment,
                 to_string(r.status), when(r.started_at), d ? human_seconds(*d) : "-");
    }
    return kOk;
  };
}

}  // namespace drkit::cli
