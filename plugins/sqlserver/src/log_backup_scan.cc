#include "log_backup_scan.hpp"

#include <filesystem>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "tsql_quote.hpp"

namespace drkit::sqlserver {

std::string dirtree_sql(const std::string& folder) {
  return fmt::format("EXEC master.sys.xp_dirtree {}, 1, 1;", quote_literal(folder));
}

std::string headeronly_sql(const std::string& path) {
  return fmt::format("RESTORE HEADERONLY FROM DISK = {};", quote_literal(path));
}

std::string join_server_path(const std::string& folder, const std::string& name) {
  if (folder.empty()) return name;
  char sep = folder.find('\\') != std::string::npos ? '\\' : '/';
  if (folder.back() == '\\' || folder.back() == '/') return folder + name;
  return folder + sep + name;
}

namespace {

std::vector<std::string> list_on_server(Instance& instance, const std::string& folder) {
  auto r = instance.execute(dirtree_sql(folder));
  std::vector<std::string> names;
  if (r.result_sets.empty()) return names;
  const auto& rs = r.result_sets[0];
  for (std::size_t i = 0; i < rs.rows.size(); ++i)
    if (rs.text(i, "file") == "1") names.push_back(rs.text(i, "subdirectory"));
  return names;
}

std::vector<std::string> list_locally(const std::string& folder) {
  std::vector<std::string> names;
  std::error_code ec;
  std::filesystem::directory_iterator it(folder, ec);
  if (ec) throw StepError(fmt::format("cannot list {}: {}", folder, ec.message()), Retryable::yes, "sqlserver.folder");
  for (const auto& e : it)
    if (e.is_regular_file(ec)) names.push_back(e.path().filename().string());
  return names;
}

Lsn lsn_of(const ResultSet& rs, std::size_t row, const char* column, const std::string& file) {
  std::string text = rs.text(row, column, "0");
  auto lsn = Lsn::parse(text);
  if (!lsn) throw StepError(fmt::format("{}: {} '{}' is not a DECIMAL(25,0) LSN", file, column, text));
  return *lsn;
}

int int_of(const ResultSet& rs, std::size_t row, const char* column) {
  try {
    return std::stoi(rs.text(row, column, "0"));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

ScanResult scan_log_backups(Context& ctx, Instance& instance, const ScanOptions& o) {
  ScanResult out;
  auto names = o.local_folder ? list_locally(*o.local_folder) : list_on_server(instance, o.folder);
  ListingSplit split = split_listing(names, o.extension);
  out.ignored = std::move(split.ignored);
  for (const auto& name : split.candidates) {
    ctx.cancellation().throw_if_cancelled();
    std::string path = join_server_path(o.folder, name);
    BatchResult r;
    try {
      r = instance.execute_raw(headeronly_sql(path));
    } catch (const SqlError& e) {
      if (e.link_failure() || e.timeout()) instance.fail(e, "RESTORE HEADERONLY " + path);
      out.unreadable.push_back({path, e.primary().describe(), e.primary()});
      continue;
    }
    if (r.result_sets.empty()) {
      out.unreadable.push_back({path, "RESTORE HEADERONLY returned no backup set", std::nullopt});
      continue;
    }
    const auto& rs = r.result_sets[0];
    for (std::size_t i = 0; i < rs.rows.size(); ++i) {
      BackupSetHeader h;
      h.file = path;
      h.position = int_of(rs, i, "Position");
      h.backup_type = int_of(rs, i, "BackupType");
      h.database_name = rs.text(i, "DatabaseName");
      h.first_lsn = lsn_of(rs, i, "FirstLSN", path);
      h.last_lsn = lsn_of(rs, i, "LastLSN", path);
      h.database_backup_lsn = lsn_of(rs, i, "DatabaseBackupLSN", path);
      h.first_recovery_fork_id = rs.text(i, "FirstRecoveryForkID");
      h.recovery_fork_id = rs.text(i, "RecoveryForkID");
      h.has_checksums = rs.text(i, "HasBackupChecksums") == "1";
      h.is_copy_only = rs.text(i, "IsCopyOnly") == "1";
      h.backup_finish_date = rs.text(i, "BackupFinishDate");
      out.headers.push_back(std::move(h));
    }
  }
  return out;
}

std::string redo_point_sql(const std::string& database) {
  return fmt::format(
      "SELECT COALESCE(f.redo_start_lsn, rs.last_log_backup_lsn) AS redo_lsn,\n"
      "       COALESCE(f.redo_start_fork_guid, rs.recovery_fork_guid) AS fork_guid\n"
      "FROM sys.master_files f\n"
      "LEFT JOIN sys.database_recovery_status rs ON rs.database_id = f.database_id\n"
      "WHERE f.database_id = DB_ID({}) AND f.file_id = 1;",
      quote_literal(database));
}

std::optional<RedoPoint> read_redo_point(Instance& instance, const std::string& database) {
  auto r = instance.execute(redo_point_sql(database));
  if (r.result_sets.empty() || r.result_sets[0].rows.empty()) return std::nullopt;
  const auto& rs = r.result_sets[0];
  const auto& lsn = rs.at(0, "redo_lsn");
  if (!lsn) return std::nullopt;
  auto parsed = Lsn::parse(*lsn);
  if (!parsed) throw StepError(fmt::format("{}: redo LSN '{}' of {} is not a DECIMAL(25,0)", instance.name(), *lsn, database));
  return RedoPoint{*parsed, rs.text(0, "fork_guid")};
}

boost::json::array headers_json(const std::vector<BackupSetHeader>& headers) {
  boost::json::array a;
  for (const auto& h : headers)
    a.push_back(boost::json::object{{"file", h.file},
                                    {"position", h.position},
                                    {"first_lsn", h.first_lsn.str()},
                                    {"last_lsn", h.last_lsn.str()}});
  return a;
}

}  // namespace drkit::sqlserver
