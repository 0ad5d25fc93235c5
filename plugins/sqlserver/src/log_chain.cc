#include "log_chain.hpp"

#include <algorithm>
#include <cctype>

namespace drkit::sqlserver {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

namespace {

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

// GUIDs compare case-insensitively and with or without braces.
std::string normal_guid(std::string_view g) {
  std::string out;
  for (char c : g)
    if (c != '{' && c != '}') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

ChainPlan plan_log_chain(std::string_view database, const RedoPoint& redo,
                         std::vector<BackupSetHeader> headers) {
  ChainPlan plan;
  plan.last_lsn = redo.redo_start_lsn;
  std::vector<BackupSetHeader> logs;
  for (auto& h : headers) {
    if (h.backup_type != 2 || !iequals(h.database_name, database)) {
      plan.other.push_back(std::move(h));
    } else if (h.last_lsn <= redo.redo_start_lsn) {
      // Already restored: SQL Server would answer 4326 "too early to apply".
      plan.already_applied.push_back(std::move(h));
    } else if (!redo.fork_guid.empty() &&
               normal_guid(h.first_recovery_fork_id) != normal_guid(redo.fork_guid)) {
      // Another restore lineage (pitfall 5): never part of this chain.
      plan.fork_mismatch.push_back(std::move(h));
    } else {
      logs.push_back(std::move(h));
    }
  }
  std::stable_sort(logs.begin(), logs.end(), [](const auto& a, const auto& b) {
    if (a.first_lsn != b.first_lsn) return a.first_lsn < b.first_lsn;
    return a.last_lsn < b.last_lsn;
  });
  Lsn current = redo.redo_start_lsn;
  for (std::size_t i = 0; i < logs.size(); ++i) {
    auto& h = logs[i];
    if (h.last_lsn <= current) {
      // Covered by a backup planned before it (a duplicate copy or an overlapping set).
      plan.already_applied.push_back(std::move(h));
    } else if (h.first_lsn <= current) {
      current = h.last_lsn;
      plan.to_apply.push_back(std::move(h));
    } else {
      plan.gap = ChainGap{current, h.first_lsn, h.file};
      for (std::size_t k = i; k < logs.size(); ++k) {
        if (!plan.lost_up_to || *plan.lost_up_to < logs[k].last_lsn) plan.lost_up_to = logs[k].last_lsn;
        plan.beyond_gap.push_back(std::move(logs[k]));
      }
      break;
    }
  }
  plan.last_lsn = current;
  return plan;
}

ListingSplit split_listing(const std::vector<std::string>& names, std::string_view extension) {
  ListingSplit out;
  for (const auto& n : names) {
    if (ends_with_ci(n, extension)) out.candidates.push_back(n);
    else out.ignored.push_back(n);
  }
  std::sort(out.candidates.begin(), out.candidates.end());
  std::sort(out.ignored.begin(), out.ignored.end());
  return out;
}

}  // namespace drkit::sqlserver
