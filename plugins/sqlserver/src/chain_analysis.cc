#include "chain_analysis.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace drkit::sqlserver {

std::string ChainAnalysis::summary() const {
  std::string s = fmt::format("{} log backup(s) to apply, {} already applied, redo point {}", plan.to_apply.size(),
                              plan.already_applied.size(), redo.redo_start_lsn.str());
  if (plan.gap)
    s += fmt::format("; GAP: no backup contains LSN {} (next backup {} starts at {})", plan.gap->needed_lsn.str(),
                     plan.gap->next_file, plan.gap->next_first_lsn ? plan.gap->next_first_lsn->str() : "?");
  if (!plan.fork_mismatch.empty())
    s += fmt::format("; {} backup(s) from another recovery fork (first: {})", plan.fork_mismatch.size(),
                     plan.fork_mismatch.front().file);
  if (!scan.unreadable.empty())
    s += fmt::format("; {} unreadable file(s) (first: {})", scan.unreadable.size(), scan.unreadable.front().file);
  return s;
}

boost::json::object ChainAnalysis::to_json() const {
  boost::json::object o;
  o["state_desc"] = state.state_desc;
  o["is_in_standby"] = state.is_in_standby;
  o["redo_start_lsn"] = redo.redo_start_lsn.str();
  o["pending"] = static_cast<std::int64_t>(plan.to_apply.size());
  o["already_applied"] = static_cast<std::int64_t>(plan.already_applied.size());
  o["last_lsn"] = plan.last_lsn.str();
  o["to_apply"] = headers_json(plan.to_apply);
  if (plan.gap) {
    boost::json::object g;
    g["needed_lsn"] = plan.gap->needed_lsn.str();
    g["next_first_lsn"] = plan.gap->next_first_lsn ? boost::json::value(plan.gap->next_first_lsn->str()) : nullptr;
    g["next_file"] = plan.gap->next_file;
    g["backups_beyond"] = static_cast<std::int64_t>(plan.beyond_gap.size());
    o["gap"] = std::move(g);
  } else {
    o["gap"] = nullptr;
  }
  o["fork_mismatch"] = headers_json(plan.fork_mismatch);
  // What recovering after applying the plan would lose: the log between the chain's end and
  // the newest LSN seen in the folder (a lower bound: the primary may have more).
  std::optional<Lsn> newest = plan.lost_up_to;
  for (const auto& h : plan.fork_mismatch)
    if (!newest || *newest < h.last_lsn) newest = h.last_lsn;
  if (newest && plan.last_lsn < *newest)
    o["expected_data_loss"] = boost::json::object{{"from_lsn", plan.last_lsn.str()}, {"to_lsn", newest->str()}};
  else
    o["expected_data_loss"] = nullptr;
  boost::json::array unreadable;
  for (const auto& u : scan.unreadable) {
    // The server's number, class and state (null where unknown) next to the text.
    boost::json::object item = u.server_error ? u.server_error->to_json() : boost::json::object{};
    item.erase("message");
    item["file"] = u.file;
    item["error"] = u.error;
    unreadable.push_back(std::move(item));
  }
  o["unreadable"] = std::move(unreadable);
  boost::json::array ignored;
  for (const auto& n : scan.ignored) ignored.push_back(boost::json::value(n));
  o["ignored"] = std::move(ignored);
  return o;
}

ChainAnalysis analyze_log_chain(Context& ctx, Instance& instance, const std::string& database,
                                const ScanOptions& options, const std::string& source_database) {
  ChainAnalysis a;
  a.state = read_database_state(instance, database);
  if (!a.state.exists)
    throw StepError(fmt::format("{}: database {} does not exist; restore a full backup WITH NORECOVERY first",
                                instance.name(), database),
                    Retryable::no, "sqlserver.not_restoring");
  if (!a.state.restoring())
    throw StepError(fmt::format("{}: database {} is {}: log backups can only be applied while it is RESTORING or "
                                "in STANDBY (nothing can be applied after recovery)",
                                instance.name(), database, a.state.describe()),
                    Retryable::no, "sqlserver.not_restoring");
  auto redo = read_redo_point(instance, database);
  if (!redo)
    throw StepError(fmt::format("{}: cannot read the redo point (redo_start_lsn) of {}", instance.name(), database),
                    Retryable::no, "sqlserver.not_restoring");
  a.redo = *redo;
  a.scan = scan_log_backups(ctx, instance, options);
  a.plan = plan_log_chain(source_database.empty() ? database : source_database, a.redo, a.scan.headers);
  return a;
}

}  // namespace drkit::sqlserver
