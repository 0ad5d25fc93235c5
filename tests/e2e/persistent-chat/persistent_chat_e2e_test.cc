// Failover and failback of the example Persistent Chat manifest against a real `drkit lab`:
// four mssql-sim processes reached through FreeTDS, log shipping running as Agent jobs,
// cs-shell-sim as the Management Shell.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <thread>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "drkit_process.h"
#include "shipped_logs.h"

namespace drkit::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}

std::size_t count_trn(const fs::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) n += e.path().extension() == ".trn" ? 1 : 0;
  return n;
}

// A block of 20 loopback ports for one lab, held for the test's life. Side-by-side labs
// (ctest -j) each take a block: an flock on a file per block keeps two tests from choosing
// the same one (a pid-derived guess alone collides when two pids differ by a multiple of
// 600), and every port of it must be free to bind. Below the kernel's ephemeral range
// (32768+), where other tests' port-0 sockets live.
class PortBlock {
 public:
  PortBlock() {
    for (int k = 0; k < 600; ++k) {
      int base = 20000 + static_cast<int>((::getpid() + k) % 600) * 20;
      std::string lock = fmt::format("/tmp/drkit-e2e-ports-{}.lock", base);
      int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      if (fd < 0) continue;
      if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && all_free(base)) {
        fd_ = fd;
        base_ = base;
        return;
      }
      ::close(fd);
    }
    throw std::runtime_error("no free block of 20 loopback ports between 20000 and 31999");
  }
  ~PortBlock() { ::close(fd_); }
  PortBlock(const PortBlock&) = delete;
  PortBlock& operator=(const PortBlock&) = delete;
  int base() const { return base_; }

 private:
  static bool all_free(int base) {
    for (int port = base; port < base + 20; ++port) {
      int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      int one = 1;
      ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // as the simulators bind
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<std::uint16_t>(port));
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      bool ok = ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(s);
      if (!ok) return false;
    }
    return true;
  }
  int fd_ = -1;
  int base_ = 0;
};

class PersistentChat : public ::testing::Test {
 protected:
  void SetUp() override {
    ports_.emplace();
    base_port_ = ports_->base();
    lab_ = dir_ / "lab";
    std::string text = read_file(fs::path(DRKIT_SOURCE_DIR) / "examples/persistent-chat/drkit.json");
    text = replace_all(text, "/tmp/drkit-lab", lab_.string());
    for (int i = 0; i < 4; ++i)
      text = replace_all(text, fmt::format("Port={}", 14331 + i), fmt::format("Port={}", base_port_ + i));
    manifest_ = dir_ / "drkit.json";
    write_file(manifest_, text);
    env_ = {{"PATH", std::string(DRKIT_BUILD_DIR) + "/bin:" + (std::getenv("PATH") ? std::getenv("PATH") : "")},
            {"DRKIT_STATE_DIR", (dir_ / "state").string()}};
    auto up = lab({"up"});
    ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  }
  void TearDown() override { lab({"down"}); }

  Finished lab(std::vector<std::string> args) {
    args.insert(args.begin(), "lab");
    args.insert(args.end(), {"--lab-dir", lab_.string(), "--base-port", std::to_string(base_port_)});
    return drkit(args, env_);
  }
  Finished run(std::vector<std::string> args) {
    args.insert(args.end(), {"--env", "lab", "-m", manifest_.string()});
    return drkit(args, env_);
  }
  // Waits until log shipping has produced `n` log backups in the share.
  void wait_for_log_backups(std::size_t n) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (count_trn(lab_ / "share") < n && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_GE(count_trn(lab_ / "share"), n) << "log shipping produced no log backups";
  }

  // One command to a simulator's control port (instance 0..3: primary, primary-mirror,
  // backup, backup-mirror); returns its reply.
  std::string control(int instance, const std::string& command) {
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(base_port_ + 10 + instance)));
    s.setReceiveTimeout(Poco::Timespan(10, 0));
    std::string line = command + "\n", reply;
    s.sendBytes(line.data(), static_cast<int>(line.size()));
    char buf[4096];
    while (reply.find("OK\n") == std::string::npos && reply.find("ERR") == std::string::npos) {
      int n = s.receiveBytes(buf, sizeof buf);
      if (n <= 0) break;
      reply.append(buf, static_cast<std::size_t>(n));
    }
    return reply;
  }
  // One database's line of the simulator's `lsn` command as key=value pairs
  // (state, last_lsn, redo_start_lsn, fork_point_lsn, ...).
  std::map<std::string, std::string> lsn_of(int instance, const std::string& database) {
    std::map<std::string, std::string> out;
    std::istringstream words(control(instance, "lsn " + database));
    for (std::string w; words >> w;)
      if (auto eq = w.find('='); eq != std::string::npos) out[w.substr(0, eq)] = w.substr(eq + 1);
    return out;
  }
  // Where the backup instance's mgc stopped restoring: RESTORE ... WITH RECOVERY records it as
  // the fork point (its last_lsn moves on once chat writes to it).
  std::int64_t backup_restored_up_to() {
    auto mgc = lsn_of(2, "mgc");
    EXPECT_EQ(mgc["state"], "ONLINE");
    return std::stoll(mgc.at("fork_point_lsn"));
  }
  boost::json::object report_outputs(const std::string& step) {
    auto report = drkit({"report", "last", "--format", "json"}, env_);
    auto outputs = boost::json::parse(report.out).at("outputs").as_object();
    return outputs.contains(step) ? outputs.at(step).as_object() : boost::json::object{};
  }

  // Stops the backup's restore job so log backups pile up unapplied in the copy folder.
  void pause_restore_job() { pause_backup_site_job("LSRestore_PRIMARY_mgc"); }
  // Disables one of the backup site's Agent jobs (as an operator would with sp_update_job).
  void pause_backup_site_job(const std::string& job) {
    auto sql = dir_ / "pause.json";
    write_file(sql, fmt::format(R"({{"drkit": 1, "resources": {{"b": {{"type": "sqlserver.instance", "with": {{
      "connection": "Driver=FreeTDS;Server=127.0.0.1;Port={};TDS_Version=7.4;Encryption=off", "user": "sa",
      "password": "${{secret:file:{}/sa.password}}"}}}}}},
      "pipelines": {{"p": {{"steps": [{{"id": "pause", "uses": "sqlserver.execute", "with": {{"instance": "b",
      "sql": "EXEC msdb.dbo.sp_update_job @job_name = N'{}', @enabled = 0"}}}}]}}}}}})",
                                base_port_ + 2, lab_.string(), job));
    auto r = drkit({"run", "p", "-m", sql.string(), "--state-dir", (dir_ / "pause-state").string()}, env_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::vector<fs::path> copied_logs() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(lab_ / "copy"))
      if (e.path().extension() == ".trn") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }
  void wait_for_copied_logs(std::size_t n) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (copied_logs().size() < n && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_GE(copied_logs().size(), n);
  }
  std::string latest_run_id() {
    auto runs = boost::json::parse(drkit({"runs", "--output", "json"}, env_).out).as_array();
    return runs.empty() ? "" : std::string(runs.at(0).at("id").as_string());
  }

  std::optional<PortBlock> ports_;  // released after TearDown's `lab down`
  TempDir dir_;
  fs::path lab_, manifest_;
  int base_port_ = 0;
  std::map<std::string, std::string> env_;
};

TEST_F(PersistentChat, GuardRefusesFailoverWhileThePrimaryIsUp) {
  auto r = run({"run", "failover", "--approve", "remove-log-shipping"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("splits the brain"));
  auto status = lab({"status"});
  EXPECT_THAT(status.out, HasSubstr("PoolState Normal"));
}

TEST_F(PersistentChat, FullCycleFailoverThenFailbackTwice) {
  wait_for_log_backups(2);
  ASSERT_EQ(lab({"fail", "primary-site"}).exit_code, 0);
  auto failover = run({"run", "failover", "--approve", "remove-log-shipping"});
  ASSERT_EQ(failover.exit_code, 0) << failover.err;
  auto status = lab({"status"});
  EXPECT_THAT(status.out, HasSubstr("PoolState FailedOver"));
  EXPECT_THAT(status.out, HasSubstr("pc3.contoso.com, pc4.contoso.com"));
  EXPECT_THAT(status.out, HasSubstr("mgc ONLINE"));
  auto report = drkit({"report", "last"}, env_);
  EXPECT_THAT(report.out, HasSubstr("RTO"));
  EXPECT_THAT(report.out, HasSubstr("mgccomp is NOT failed over"));
  // No shipped log lost: the backup mgc was restored exactly up to the end of the last log
  // backup the primary shipped to the share before it died, and drkit's report says the same.
  auto shipped = shipped_logs(lab_ / "share", "mgc");
  ASSERT_FALSE(shipped.empty());
  std::int64_t last_shipped = shipped.back().last_lsn;
  EXPECT_EQ(backup_restored_up_to(), last_shipped) << "last shipped: " << shipped.back().file;
  auto applied = report_outputs("apply-logs");
  ASSERT_TRUE(applied.contains("last_lsn")) << boost::json::serialize(applied);
  EXPECT_EQ(std::string(applied.at("last_lsn").as_string()), std::to_string(last_shipped));
  EXPECT_TRUE(applied.at("gap").is_null());
  EXPECT_TRUE(applied.at("expected_data_loss").is_null());

  ASSERT_EQ(lab({"rebuild", "primary-site"}).exit_code, 0);
  auto failback = run({"run", "failback", "--approve", "clear-active-servers"});
  ASSERT_EQ(failback.exit_code, 0) << failback.err;
  status = lab({"status"});
  EXPECT_THAT(status.out, HasSubstr("PoolState Normal"));
  EXPECT_THAT(status.out, HasSubstr("pc1.contoso.com, pc2.contoso.com"));
  // Failback run twice in a row is safe: every step sees its work done.
  auto again = run({"run", "failback", "--approve", "clear-active-servers"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST_F(PersistentChat, ShareUnreachableContinuesWithTheCopiedLogs) {
  wait_for_log_backups(1);
  wait_for_copied_logs(1);
  // The copy job stops (say its link to the share broke): the next log backups stay in the
  // share only, and are lost with it.
  pause_backup_site_job("LSCopy_PRIMARY_mgc");
  auto uncopied = [&] {
    std::size_t n = 0;
    for (const auto& log : shipped_logs(lab_ / "share", "mgc")) n += fs::exists(lab_ / "copy" / log.file.filename()) ? 0 : 1;
    return n;
  };
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (uncopied() < 2 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_GE(uncopied(), 2u) << "log shipping shipped no log backup after the copy job stopped";
  ASSERT_EQ(lab({"fail", "primary-site"}).exit_code, 0);
  fs::rename(lab_ / "share", lab_ / "share-gone");  // the file server went down with the site
  auto r = run({"run", "failover", "--approve", "remove-log-shipping"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("SHARE UNREACHABLE"));
  EXPECT_THAT(r.err, HasSubstr("may lose data"));
  EXPECT_THAT(lab({"status"}).out, HasSubstr("mgc ONLINE"));

  // The data loss drkit reports is real and exactly the logs it could not copy: the backup
  // stops at the end of the newest log in the copy folder, which the report names; every
  // log shipped after it (only in the lost share) starts at or beyond that point.
  auto copy = report_outputs("copy-logs");
  ASSERT_TRUE(copy.contains("newest_at_destination")) << boost::json::serialize(copy);
  EXPECT_EQ(copy.at("share_reachable"), boost::json::value(false));
  ASSERT_TRUE(copy.at("warning").is_string());
  EXPECT_THAT(std::string(copy.at("warning").as_string()), HasSubstr("may lose data"));
  auto in_copy = shipped_logs(lab_ / "copy", "mgc");
  auto in_share = shipped_logs(lab_ / "share-gone", "mgc");
  ASSERT_FALSE(in_copy.empty());
  ASSERT_FALSE(in_share.empty());
  EXPECT_EQ(std::string(copy.at("newest_at_destination").as_string()), in_copy.back().file.filename().string());
  std::int64_t restored = backup_restored_up_to(), last_shipped = in_share.back().last_lsn;
  EXPECT_EQ(restored, in_copy.back().last_lsn);
  auto applied = report_outputs("apply-logs");
  ASSERT_TRUE(applied.contains("last_lsn")) << boost::json::serialize(applied);
  EXPECT_EQ(std::string(applied.at("last_lsn").as_string()), std::to_string(restored));
  EXPECT_LT(restored, last_shipped) << "the lost share held nothing beyond what was restored: no data was lost";
  std::vector<ShippedLog> lost;
  for (const auto& log : in_share)
    if (!fs::exists(lab_ / "copy" / log.file.filename())) lost.push_back(log);
  ASSERT_GE(lost.size(), 2u);
  EXPECT_EQ(lost.front().first_lsn, restored) << "the loss starts where the restore stopped: " << lost.front().file;
  EXPECT_EQ(lost.back().last_lsn, last_shipped);
  for (const auto& log : lost) EXPECT_GT(log.file.filename(), in_copy.back().file.filename()) << log.file;
}

TEST_F(PersistentChat, LogGapStopsBeforeRecoveryThenAllowDataLossRecovers) {
  pause_restore_job();
  wait_for_copied_logs(copied_logs().size() + 3);
  ASSERT_EQ(lab({"fail", "primary-site"}).exit_code, 0);
  // Lose one unapplied log backup in the middle of the chain, everywhere.
  auto logs = copied_logs();
  auto victim = logs[logs.size() - 2].filename();
  fs::remove(lab_ / "copy" / victim);
  fs::remove(lab_ / "share" / victim);
  auto r = run({"run", "failover", "--approve", "remove-log-shipping"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("apply-logs"));
  EXPECT_THAT(r.err, HasSubstr("gap"));
  EXPECT_THAT(lab({"status"}).out, HasSubstr("mgc RESTORING"));  // not recovered
  std::string id = latest_run_id();
  // The operator accepts the data loss explicitly, then resumes the same run.
  std::string text = read_file(manifest_);
  auto at = text.find("\"local_folder\": \"${var.copy_path}\"");
  ASSERT_NE(at, std::string::npos);
  text.insert(at, "\"allow_data_loss\": true, ");
  write_file(manifest_, text);
  auto resumed = run({"resume", id, "--accept-manifest-change"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_THAT(lab({"status"}).out, HasSubstr("mgc ONLINE"));
}

TEST_F(PersistentChat, KillInsideApplyLogBackupsThenResume) {
  pause_restore_job();
  wait_for_copied_logs(copied_logs().size() + 3);
  ASSERT_EQ(lab({"fail", "primary-site"}).exit_code, 0);
  // Each RESTORE LOG takes 1.5 s, so drkit can be killed in the middle of the step.
  EXPECT_THAT(control(2, "fault delay 1500 count=* match='RESTORE LOG'"), HasSubstr("OK"));
  std::vector<std::string> args = {"run", "failover", "--approve", "remove-log-shipping", "--env", "lab", "-m", manifest_.string()};
  {
    DrkitProcess p(args, env_, dir_.path());
    auto log_dir = dir_ / "state" / "logs";
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    bool inside = false;
    while (!inside && std::chrono::steady_clock::now() < until) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(log_dir, ec))
        inside = inside || read_file(e.path()).find("[apply-logs] started") != std::string::npos;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(inside) << "apply-logs never started";
    std::this_thread::sleep_for(std::chrono::milliseconds(2000));  // at least one RESTORE LOG done
    p.kill9();
  }
  control(2, "fault clear");
  auto resumed = run({"resume", latest_run_id()});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_THAT(resumed.err, HasSubstr("already finished"));
  EXPECT_THAT(lab({"status"}).out, HasSubstr("mgc ONLINE"));
  auto report = drkit({"report", "last", "--format", "json"}, env_);
  EXPECT_THAT(report.out, HasSubstr("rto"));
}

}  // namespace
}  // namespace drkit::test
