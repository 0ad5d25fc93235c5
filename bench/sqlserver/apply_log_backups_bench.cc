// bench: sqlserver.apply_log_backups over N pending log backups (default 1000) on mssql-sim.
//
//   build-sql-rel/bin/sqlserver_apply_bench [N]     (a RelWithDebInfo build)
//
// Prints the step's wall time, the time spent inside ODBC calls that wait for the server
// (SQLExecDirect, SQLFetch, SQLMoreResults), and drkit's own share: the rest.
#include <chrono>
#include <cstdio>
#include <regex>
#include <string>

#include <boost/json.hpp>

#include "sim_fixture.h"

using namespace sqlserver_test;

int main(int argc, char** argv) {
  int n = argc > 1 ? std::stoi(argv[1]) : 1000;
  TempDir dir;
  SimProcess primary(dir.path(), "PRIMARY", {"mgc"});
  SimProcess backup(dir.path(), "BACKUP");
  auto share = dir.path() / "share";
  std::filesystem::create_directories(share);
  drkit::testing::Harness h(plugin_dirs());
  h.add_resource("primary", "sqlserver.instance", primary.resource());
  h.add_resource("backup", "sqlserver.instance", backup.resource());

  auto setup_start = std::chrono::steady_clock::now();
  sql(h, "primary", "BACKUP DATABASE [mgc] TO DISK = N'" + (share / "full.bak").string() + "' WITH INIT, CHECKSUM;");
  sql(h, "backup", "RESTORE DATABASE [mgc] FROM DISK = N'" + (share / "full.bak").string() + "' WITH NORECOVERY;");
  for (int done = 0; done < n;) {
    std::string batch;
    for (int k = 0; k < 100 && done < n; ++k, ++done) {
      char name[64];
      std::snprintf(name, sizeof name, "mgc_%06d.trn", done);
      batch += "BACKUP LOG [mgc] TO DISK = N'" + (share / name).string() + "' WITH INIT, CHECKSUM;\n";
    }
    sql(h, "primary", batch);
  }
  double setup = std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count();

  auto start = std::chrono::steady_clock::now();
  auto out = h.run("sqlserver.apply_log_backups", {{"instance", "backup"}, {"database", "mgc"}, {"folder", share.string()}});
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::smatch m;
  std::string log = h.log_text();
  static const std::regex timing(R"(timing: wall ([0-9.]+) s, waiting for the server ([0-9.]+) s)");
  if (!std::regex_search(log, m, timing)) {
    std::fprintf(stderr, "no timing line in the step log\n");
    return 1;
  }
  double step_wall = std::stod(m[1]), server = std::stod(m[2]);
  std::printf("log backups created:        %d (setup %.2f s)\n", n, setup);
  std::printf("applied:                    %lld\n", static_cast<long long>(out.at("applied_count").as_int64()));
  std::printf("harness wall time:          %.3f s\n", wall);
  std::printf("step wall time:             %.3f s\n", step_wall);
  std::printf("waiting for the server:     %.3f s\n", server);
  std::printf("drkit's own share:          %.3f s (%.2f%% of the step's wall time)\n", step_wall - server,
              100.0 * (step_wall - server) / step_wall);
  return out.at("applied_count").as_int64() == n ? 0 : 1;
}
