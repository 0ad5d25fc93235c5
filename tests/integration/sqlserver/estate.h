// Two simulated instances (PRIMARY with database mgc, BACKUP) and a share folder, with
// helpers that make backups through the plugin's execute step.
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "sim_fixture.h"
#include "drkit/errors.hpp"

namespace sqlserver_test {

class Estate {
 public:
  explicit Estate(const std::string& database = "mgc")
      : db(database),
        primary(dir.path(), "PRIMARY", {database}),
        backup(dir.path(), "BACKUP"),
        h(plugin_dirs()) {
    share = dir.path() / "share";
    std::filesystem::create_directories(share);
    h.add_resource("primary", "sqlserver.instance", primary.resource());
    h.add_resource("backup", "sqlserver.instance", backup.resource());
  }

  std::string qdb() const {
    std::string q = "[";
    for (char c : db) {
      q += c;
      if (c == ']') q += ']';
    }
    return q + "]";
  }
  static std::string lit(const std::string& s) {
    std::string q = "N'";
    for (char c : s) {
      q += c;
      if (c == '\'') q += '\'';
    }
    return q + "'";
  }
  std::string path(const std::string& name) const { return (share / name).string(); }

  void full_backup(const std::string& name = "full.bak") {
    sql(h, "primary", "BACKUP DATABASE " + qdb() + " TO DISK = " + lit(path(name)) + " WITH INIT, CHECKSUM;");
  }
  void log_backup(const std::string& name) {
    sql(h, "primary", "BACKUP LOG " + qdb() + " TO DISK = " + lit(path(name)) + " WITH INIT, CHECKSUM;");
  }
  void restore_backup_norecovery(const std::string& name = "full.bak") {
    sql(h, "backup", "RESTORE DATABASE " + qdb() + " FROM DISK = " + lit(path(name)) + " WITH REPLACE, NORECOVERY;");
  }
  // The secondary's redo point, read through the plugin's snapshot step.
  std::string redo_lsn() {
    auto out = h.run("sqlserver.snapshot_log_shipping", {{"instance", "backup"}, {"database", db}}, "snap");
    return out.at("redo_start_lsn").is_null() ? "" : std::string(out.at("redo_start_lsn").as_string());
  }
  boost::json::object apply(boost::json::object extra = {}) {
    boost::json::object with{{"instance", "backup"}, {"database", db}, {"folder", share.string()}};
    for (auto& [k, v] : extra) with[k] = v;
    return h.run("sqlserver.apply_log_backups", with, "apply");
  }

  std::string db;
  TempDir dir;
  SimProcess primary;
  SimProcess backup;
  drkit::testing::Harness h;
  std::filesystem::path share;
};

}  // namespace sqlserver_test
