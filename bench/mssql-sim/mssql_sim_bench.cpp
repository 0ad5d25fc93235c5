// Benchmarks for mssql-sim through the real client stack (unixODBC + FreeTDS, SQLExecDirect):
//   1. 1,000 small statements over one connection (target: under 1 s)
//   2. RESTORE HEADERONLY of 1,000 backup files (target: under 2 s)
//   3. 10,000-row result fetch
// Usage: mssql_sim_bench [statements] [files]
#include "odbc_client.hpp"
#include "sim_process.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace simtest;
using Clock = std::chrono::steady_clock;

namespace {
double seconds(Clock::time_point a) { return std::chrono::duration<double>(Clock::now() - a).count(); }
}  // namespace

int main(int argc, char** argv) {
    int statements = argc > 1 ? std::atoi(argv[1]) : 1000;
    int files = argc > 2 ? std::atoi(argv[2]) : 1000;
    TempDir dir;
    SimProcess sim(dir.path() / "a", "BENCH", "Bench#Pass1", {"--database", "mgc", "--write-rate", "20", "--backup-size", "65536"});
    OdbcConnection c(sim.connectionString());

    c.exec("SELECT 1");  // warm up
    auto t = Clock::now();
    for (int i = 0; i < statements; ++i) c.exec("SELECT " + std::to_string(i) + " AS n");
    double small = seconds(t);
    std::printf("small statements: %d in %.3f s (%.0f/s, %.3f ms each)\n", statements, small, statements / small,
                small * 1000.0 / statements);

    t = Clock::now();
    for (int i = 0; i < statements; ++i)
        c.exec("SELECT d.state_desc, f.redo_start_lsn FROM sys.databases d JOIN sys.master_files f ON f.database_id = "
               "d.database_id AND f.file_id = 1 WHERE d.name = N'mgc'");
    double catalog = seconds(t);
    std::printf("catalog join queries: %d in %.3f s (%.3f ms each)\n", statements, catalog, catalog * 1000.0 / statements);

    // 1,000 log backup files: one real BACKUP LOG, then copies (the copy is not what is measured).
    auto share = dir.path() / "share";
    std::filesystem::create_directories(share);
    c.exec("BACKUP DATABASE mgc TO DISK = N'" + (share / "full.bak").string() + "' WITH INIT");
    auto first = share / "mgc_0.trn";
    c.exec("BACKUP LOG mgc TO DISK = N'" + first.string() + "' WITH INIT, CHECKSUM");
    for (int i = 1; i < files; ++i)
        std::filesystem::copy_file(first, share / ("mgc_" + std::to_string(i) + ".trn"));
    t = Clock::now();
    std::size_t rows = 0;
    for (int i = 0; i < files; ++i)
        rows += c.exec("RESTORE HEADERONLY FROM DISK = N'" + (share / ("mgc_" + std::to_string(i) + ".trn")).string() + "'")
                    .results.at(0).rows.size();
    double headers = seconds(t);
    std::printf("RESTORE HEADERONLY: %d files in %.3f s (%.3f ms each, %zu rows, %ju bytes per file)\n", files, headers,
                headers * 1000.0 / files, rows, static_cast<std::uintmax_t>(std::filesystem::file_size(first)));

    c.exec("CREATE DATABASE d6; CREATE DATABASE d7; CREATE DATABASE d8; CREATE DATABASE d9");
    t = Clock::now();
    auto big = c.exec("SELECT a.name, b.database_id FROM sys.databases a CROSS JOIN sys.databases b CROSS JOIN sys.databases c "
                      "CROSS JOIN sys.databases d");
    double fetch = seconds(t);
    std::printf("large result: %zu rows in %.3f s\n", big.results.at(0).rows.size(), fetch);
    std::printf("targets: 1,000 small statements < 1 s: %s; 1,000 HEADERONLY < 2 s: %s\n",
                (statements >= 1000 && small < 1.0) ? "met" : "NOT met", (files >= 1000 && headers < 2.0) ? "met" : "NOT met");
    return 0;
}
