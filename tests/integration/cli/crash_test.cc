// The crash matrix: the real drkit process is killed with SIGKILL at 20 points (before and
// after the side effect of each of 10 steps, three of them in a parallel stage), then the
// run is resumed. Every side effect must have happened exactly once, in pipeline order.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "drkit_process.h"

namespace drkit::test {
namespace {

namespace fs = std::filesystem;

// Appends its id to $F unless present (re-runnable), pausing where KILL_AT says so.
constexpr const char* kStepScript =
    "id=\"$1\"; "
    "pause() { touch \"$SIG/hit\"; while [ ! -e \"$SIG/release\" ]; do sleep 0.05; done; exit 1; }; "
    "[ \"$KILL_AT\" = \"$id:start\" ] && pause; "
    "grep -qx \"$id\" \"$F\" 2>/dev/null || echo \"$id\" >> \"$F\"; "
    "[ \"$KILL_AT\" = \"$id:end\" ] && pause; exit 0";

const std::vector<std::string> kSequentialBefore = {"s1", "s2", "s3", "s4"};
const std::vector<std::string> kParallel = {"p1", "p2", "p3"};
const std::vector<std::string> kSequentialAfter = {"s5", "s6", "s7"};

std::string step_json(const std::string& id) {
  return fmt::format(R"({{"id": "{}", "uses": "core.exec", "with": {{"argv": ["sh", "-c", {}, "step", "{}"],
      "env": {{"F": "${{var.effects}}", "SIG": "${{var.sig}}"}}}}}})",
                     id, boost::json::serialize(boost::json::value(kStepScript)), id);
}

std::string crash_manifest(const fs::path& effects, const fs::path& sig) {
  std::string steps;
  for (const auto& id : kSequentialBefore) steps += step_json(id) + ",\n";
  std::string par;
  for (const auto& id : kParallel) par += (par.empty() ? "" : ",\n") + step_json(id);
  steps += fmt::format(R"({{"parallel": [{}], "max_parallel": 2}},)", par) + "\n";
  for (const auto& id : kSequentialAfter) steps += step_json(id) + (id == "s7" ? "\n" : ",\n");
  return fmt::format(R"({{"drkit": 1, "vars": {{"effects": "{}", "sig": "{}"}},
  "pipelines": {{"crash": {{"steps": [
{}]}}}}}})",
                     effects.string(), sig.string(), steps);
}

std::string first_run_id(const fs::path& state) {
  auto r = drkit({"runs", "--output", "json", "--state-dir", state.string()});
  auto runs = boost::json::parse(r.out).as_array();
  if (runs.empty()) return "";
  return std::string(runs.at(0).at("id").as_string());
}

class CrashMatrix : public ::testing::TestWithParam<std::string> {};

TEST_P(CrashMatrix, ResumeAfterKillRunsEverySideEffectExactlyOnce) {
  TempDir dir;
  fs::path effects = dir / "effects.txt", sig = dir / "sig", state = dir / "state";
  fs::create_directories(sig);
  write_file(dir / "drkit.json", crash_manifest(effects, sig));
  std::vector<std::string> base = {"-m", (dir / "drkit.json").string(), "--state-dir", state.string()};

  {
    auto args = base;
    args.insert(args.begin(), {"run", "crash"});
    DrkitProcess run(args, {{"KILL_AT", GetParam()}}, dir.path());
    if (!wait_for_file(sig / "hit")) {
      auto out = run.wait(std::chrono::seconds(1));
      FAIL() << "the pipeline never reached " << GetParam() << ": " << out.err;
    }
    run.kill9();
    write_file(sig / "release", "");
  }

  std::string id = first_run_id(state);
  ASSERT_FALSE(id.empty());
  // A new run is refused while the dead run is unfinished: only resume takes it over.
  auto again = base;
  again.insert(again.begin(), {"run", "crash"});
  auto refused = drkit(again, {{"KILL_AT", ""}});
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_NE(refused.err.find("drkit resume " + id), std::string::npos) << refused.err;

  auto args = base;
  args.insert(args.begin(), {"resume", id});
  auto resumed = drkit(args, {{"KILL_AT", ""}});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("already finished"), std::string::npos) << resumed.err;

  auto done = lines_of(read_file(effects));
  std::vector<std::string> all = kSequentialBefore;
  all.insert(all.end(), kParallel.begin(), kParallel.end());
  all.insert(all.end(), kSequentialAfter.begin(), kSequentialAfter.end());
  ASSERT_EQ(done.size(), all.size()) << read_file(effects);
  for (const auto& step : all) EXPECT_EQ(std::count(done.begin(), done.end(), step), 1) << step;
  // Sequential order holds; the parallel stage's members may finish in any order.
  for (std::size_t i = 0; i < kSequentialBefore.size(); ++i) EXPECT_EQ(done[i], kSequentialBefore[i]);
  for (std::size_t i = 0; i < kSequentialAfter.size(); ++i) EXPECT_EQ(done[7 + i], kSequentialAfter[i]);

  auto status = drkit({"runs", "--output", "json", "--state-dir", state.string()});
  EXPECT_NE(status.out.find("\"status\":\"succeeded\""), std::string::npos) << status.out;
}

std::vector<std::string> kill_points() {
  std::vector<std::string> points;
  for (const auto* group : {&kSequentialBefore, &kParallel, &kSequentialAfter})
    for (const auto& id : *group)
      for (const char* when : {"start", "end"}) points.push_back(id + ":" + when);
  return points;
}

INSTANTIATE_TEST_SUITE_P(KillPoints, CrashMatrix, ::testing::ValuesIn(kill_points()),
                         [](const auto& point) {
                           std::string n = point.param;
                           std::replace(n.begin(), n.end(), ':', '_');
                           return n;
                         });

}  // namespace
}  // namespace drkit::test
