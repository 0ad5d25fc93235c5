// Failover and failback of the example Persistent Chat manifest against a real `drkit lab`:
// four mssql-sim processes reached through FreeTDS, log shipping running as Agent jobs,
// cs-shell-sim as the Management Shell.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include <thread>

#include "drkit_process.h"

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

class PersistentChat : public ::testing::Test {
 protected:
  void SetUp() override {
    // Side-by-side labs (ctest -j) need their own ports: spread by pid.
    base_port_ = 20000 + static_cast<int>(::getpid() % 1500) * 20;
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

}  // namespace
}  // namespace drkit::test
