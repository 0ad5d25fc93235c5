// The CLI's contract: exit codes, messages that name the file and what to do, help text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include "drkit/version.hpp"
#include "drkit_process.h"

namespace drkit::test {
namespace {

namespace fs = std::filesystem;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;

const std::string kHello = std::string(DRKIT_SOURCE_DIR) + "/examples/hello/drkit.json";

TEST(Cli, ValidatesTheExample) {
  auto r = drkit({"validate", "-m", kHello});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("valid (2 pipelines"));
  auto j = drkit({"validate", "-m", kHello, "--output", "json"});
  EXPECT_EQ(boost::json::parse(j.out).at("valid").as_bool(), true);
}

TEST(Cli, InvalidManifestExits2WithOneLinePerProblem) {
  TempDir dir;
  write_file(dir / "drkit.json", R"({"drkit": 1,
  "pipelines": {"p": {"steps": [
    {"id": "a", "uses": "core.exce", "with": {}},
    {"id": "b", "uses": "core.sleep", "with": {"duraton": "1s"}}
  ]}}})");
  auto r = drkit({"validate", "-m", (dir / "drkit.json").string()});
  EXPECT_EQ(r.exit_code, 2);
  auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 3u) << r.err;
  std::string file = (dir / "drkit.json").string();
  EXPECT_EQ(lines[0], file + ":3:17: pipelines.p.steps[0].uses: unknown step 'core.exce'; did you mean 'core.exec'?");
  EXPECT_THAT(r.err, HasSubstr(file + ":4:48: pipelines.p.steps[1].with.duraton: unknown parameter 'duraton' for core.sleep; did you mean 'duration'? (parameters: duration)"));
  EXPECT_THAT(r.err, HasSubstr(file + ":4:39: pipelines.p.steps[1].with: missing required parameter 'duration' (duration: how long to wait)"));
  auto j = drkit({"validate", "-m", (dir / "drkit.json").string(), "--output", "json"});
  EXPECT_EQ(boost::json::parse(j.out).at("problems").as_array().size(), 3u);
}

TEST(Cli, MissingManifestAndSyntaxErrorsExit2) {
  TempDir dir;
  auto missing = drkit({"validate", "-m", (dir / "nope.json").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("nope.json: cannot read the manifest: no such file"));
  write_file(dir / "bad.json", "{\n  \"drkit\": 1,\n  \"pipelines\": {\n}\n");
  auto syntax = drkit({"validate", "-m", (dir / "bad.json").string()});
  EXPECT_EQ(syntax.exit_code, 2);
  EXPECT_THAT(syntax.err, HasSubstr("bad.json:5:1: invalid JSON"));
}

TEST(Cli, MissingSecretIsAValidationError) {
  TempDir dir;
  write_file(dir / "drkit.json", R"({"drkit": 1, "pipelines": {"p": {"steps": [
    {"id": "a", "uses": "core.exec", "with": {"argv": ["true"], "env": {"PW": "${secret:env:DRKIT_NO_SUCH_VAR}"}}}]}}})");
  auto r = drkit({"validate", "-m", (dir / "drkit.json").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("secret environment variable DRKIT_NO_SUCH_VAR is not set"));
}

// What only a plugin's factory can check ("argv must name a program") is reported by validate
// and plan at its place, not by a run that fails halfway through.
TEST(Cli, FactoryConstraintsAreValidationErrors) {
  TempDir dir;
  write_file(dir / "drkit.json", R"({"drkit": 1, "pipelines": {"p": {
    "guards": [{"id": "db", "probe": "core.command", "with": {"argv": []}}],
    "steps": [
    {"id": "a", "uses": "core.exec", "with": {"argv": []}},
    {"id": "b", "uses": "core.exec", "with": {"argv": [], "env": {"X": "${steps.a.outputs.x}"}}}]}}})");
  std::string file = (dir / "drkit.json").string();
  for (const char* command : {"validate", "plan"}) {
    std::vector<std::string> args{command};
    if (std::string(command) == "plan") args.push_back("p");
    args.insert(args.end(), {"-m", file});
    auto r = drkit(args, {});
    EXPECT_EQ(r.exit_code, 2) << command << r.out;
    auto lines = lines_of(r.err);
    // Step b reads an output of step a, which exists only during the run: not judged here.
    ASSERT_EQ(lines.size(), 2u) << command << r.err;
    EXPECT_EQ(lines[0], file + ":2:54: pipelines.p.guards[0].with: core.command refuses these parameters: 'argv' must name a program");
    EXPECT_EQ(lines[1], file + ":4:38: pipelines.p.steps[0].with: core.exec refuses these parameters: 'argv' must name a program");
  }
}

// "$${steps...}" is literal text, not a reference to a step's outputs: the component is
// built and judged at validate like any other.
TEST(Cli, AnEscapedStepReferenceDoesNotHideAFactoryError) {
  TempDir dir;
  write_file(dir / "drkit.json", R"({"drkit": 1, "pipelines": {"p": {"steps": [
    {"id": "a", "uses": "core.exec", "with": {"argv": [], "env": {"X": "$${steps.a.outputs.x}"}}}]}}})");
  auto r = drkit({"validate", "-m", (dir / "drkit.json").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("pipelines.p.steps[0].with: core.exec refuses these parameters: 'argv' must name a program"));
}

// A spec's integer bounds (ParamSpec minimum/maximum) are checked at the parameter, every
// out-of-range value at once, and shown by plugins describe and the JSON schema.
TEST(Cli, IntegerBoundsAreCheckedAtTheParameterAndShown) {
  TempDir dir;
  write_file(dir / "drkit.json", R"({"drkit": 1, "pipelines": {"p": {
    "guards": [{"id": "db", "probe": "core.tcp", "with": {"host": "127.0.0.1", "port": 70000}}],
    "steps": [
    {"id": "a", "uses": "core.exec", "with": {"argv": ["true"], "output_lines": -1, "expect_exit": 256}}]}}})");
  std::string file = (dir / "drkit.json").string();
  auto r = drkit({"validate", "-m", file});
  EXPECT_EQ(r.exit_code, 2);
  auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 3u) << r.err;
  EXPECT_EQ(lines[0], file + ":2:80: pipelines.p.guards[0].with.port: 'port' is 70000: give 1 to 65535");
  EXPECT_EQ(lines[1], file + ":4:85: pipelines.p.steps[0].with.expect_exit: 'expect_exit' is 256: give 0 to 255");
  EXPECT_EQ(lines[2], file + ":4:65: pipelines.p.steps[0].with.output_lines: 'output_lines' is -1: give 0 or more");

  auto text = drkit({"plugins", "describe", "core.tcp"});
  EXPECT_THAT(text.out, ContainsRegex("port +integer +required 1 to 65535"));
  auto spec = boost::json::parse(drkit({"plugins", "describe", "core.exec", "--output", "json"}).out).as_object();
  for (const auto& p : spec.at("params").as_array()) {
    if (p.at("name") != "output_lines") continue;
    EXPECT_EQ(p.at("minimum"), 0);
    EXPECT_FALSE(p.as_object().contains("maximum"));
  }
  auto schema = drkit({"schema"}).out;
  EXPECT_THAT(schema, HasSubstr(R"("port":{"type":["integer","string"],"description":"TCP port","minimum":1,"maximum":65535})"));
}

TEST(Cli, UnknownCommandSuggestsTheClosest) {
  auto r = drkit({"valdate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown command 'valdate'; did you mean 'validate'?"));
}

TEST(Cli, EveryCommandHasHelpWithExamples) {
  for (const char* cmd : {"validate", "plan", "run", "resume", "check", "probe", "runs", "report", "plugins", "schema", "notify"}) {
    auto r = drkit({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_THAT(r.out, HasSubstr("Examples:")) << cmd;
  }
}

TEST(Cli, PlanShowsStepsWithoutRunningThem) {
  TempDir state;
  auto r = drkit({"plan", "failover", "-m", kHello, "--state-dir", state.path().string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("nothing below has been done"));
  EXPECT_THAT(r.out, HasSubstr("in parallel:"));
  EXPECT_THAT(r.out, HasSubstr("<outputs of snapshot-a.stdout>"));
  auto bad = drkit({"plan", "failovr", "-m", kHello});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("unknown pipeline 'failovr'; did you mean 'failover'?"));
}

TEST(Cli, RunsTheHelloExampleAndReports) {
  TempDir state;
  auto r = drkit({"run", "failover", "-m", kHello, "--state-dir", state.path().string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto rep = drkit({"report", "last", "--state-dir", state.path().string()});
  EXPECT_EQ(rep.exit_code, 0);
  EXPECT_THAT(rep.out, HasSubstr("switch"));
  EXPECT_THAT(rep.out, HasSubstr("RTO"));
  auto runs = drkit({"runs", "--state-dir", state.path().string()});
  EXPECT_THAT(runs.out, HasSubstr("failover"));
  EXPECT_THAT(runs.out, HasSubstr("succeeded"));
}

TEST(Cli, PluginsListDescribeAndSchema) {
  auto list = drkit({"plugins", "list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_THAT(list.out, HasSubstr("core.exec"));
  auto desc = drkit({"plugins", "describe", "core"});
  EXPECT_THAT(desc.out, HasSubstr(fmt::format("ABI version: {}", drkit::kAbiVersion)));
  EXPECT_THAT(desc.out, HasSubstr("argv"));
  auto one = drkit({"plugins", "describe", "core.tcp"});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_THAT(one.out, HasSubstr("  from plugin core 0.2.0 (" + std::string(DRKIT_BUILD_DIR) + "/lib/drkit/plugins/drkit-core.so)"));
  auto one_json = boost::json::parse(drkit({"plugins", "describe", "core.tcp", "--output", "json"}).out).as_object();
  EXPECT_EQ(one_json.at("plugin"), "core");
  EXPECT_EQ(one_json.at("plugin_version"), "0.2.0");
  EXPECT_EQ(std::string(one_json.at("plugin_file").as_string()), std::string(DRKIT_BUILD_DIR) + "/lib/drkit/plugins/drkit-core.so");
  auto bad = drkit({"plugins", "describe", "core.exce"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("did you mean 'core.exec'?"));
  auto schema = drkit({"schema"});
  ASSERT_EQ(schema.exit_code, 0);
  auto s = boost::json::parse(schema.out).as_object();
  EXPECT_TRUE(s.at("$defs").as_object().contains("step"));
}

TEST(Cli, ProbeAdHoc) {
  auto ok = drkit({"probe", "core.command", "--with", R"(argv=["true"])", "-m", "/nonexistent.json"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  auto no = drkit({"probe", "core.file", "--with", "path=/definitely/not/here", "-m", "/nonexistent.json"});
  EXPECT_EQ(no.exit_code, 1);
  EXPECT_THAT(no.out, HasSubstr("does not hold"));
}

TEST(Cli, NotifyTestSendsThroughTheNamedNotifier) {
  TempDir dir;
  write_file(dir / "drkit.json", R"({"drkit": 1, "notify": [{"name": "audit", "uses": "core.log",
    "with": {"path": ")" + (dir / "events.jsonl").string() + R"("}}], "pipelines": {"p": {"steps": []}}})");
  auto sent = drkit({"notify", "test", "audit", "-m", (dir / "drkit.json").string()});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  auto line = boost::json::parse(read_file(dir / "events.jsonl")).as_object();
  EXPECT_EQ(line.at("type").as_string(), "test");
  auto typo = drkit({"notify", "test", "audt", "-m", (dir / "drkit.json").string()});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_THAT(typo.err, HasSubstr("did you mean 'audit'?"));
}

}  // namespace
}  // namespace drkit::test
