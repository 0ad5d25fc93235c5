// Good manifests: what parse_manifest builds (framework/src/manifest.cc), and the example.
#include "manifest.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "component_registry.h"
#include "manifest_validator.h"
#include "plugin_loader.h"

namespace drkit {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::string_view kManifest = R"({
  "drkit": 1,
  "name": "demo",
  "plugin_path": ["plugins", "/opt/drkit/plugins"],
  "vars": { "dir": "/tmp/base", "port": 1433 },
  "environments": {
    "lab": { "vars": { "dir": "/tmp/lab" }, "plugin_path": "lab-plugins" }
  },
  "notify": [ { "uses": "core.log", "with": { "path": "${var.dir}/events" }, "on": ["run.*"] } ],
  "pipelines": {
    "failover": {
      "description": "go",
      "rto_target": "30m",
      "guards": [ { "probe": "core.tcp", "with": { "host": "db", "port": "${var.port}" },
                    "expect": false, "reason": "primary down" } ],
      "steps": [
        { "id": "a", "uses": "core.exec", "with": { "argv": ["mkdir", "${var.dir}"] },
          "retry": { "attempts": 3, "delay": "5s", "backoff": 1.5, "max_delay": "1m" },
          "timeout": "2m", "on_failure": "rollback", "critical": false,
          "compensate": [ { "id": "undo-a", "uses": "core.exec", "with": { "argv": ["true"] } } ] },
        { "parallel": [
            { "id": "b", "uses": "core.sleep", "with": { "duration": "1s" } },
            { "id": "c", "uses": "core.exec",
              "with": { "argv": ["echo", "${steps.a.outputs.stdout}", "${run.id}"] },
              "verify": [ { "probe": "core.file", "with": { "path": "${var.dir}" } } ] }
          ], "max_parallel": 1, "fail_fast": false },
        { "id": "d", "uses": "core.confirm", "with": { "message": "sure?" },
          "wait_until": { "probe": "core.file", "with": { "path": "/tmp" }, "interval": "1s", "timeout": 10 } }
      ]
    }
  }
})";

TEST(Manifest, ReadsEveryPartOfAPipeline) {
  auto m = parse_manifest(std::string(kManifest), "/srv/dr/drkit.json", "");
  EXPECT_EQ(m.name, "demo");
  EXPECT_EQ(m.hash.size(), 64u);
  EXPECT_THAT(m.plugin_path, ElementsAre("/srv/dr/plugins", "/opt/drkit/plugins"));
  ASSERT_EQ(m.notifiers.size(), 1u);
  EXPECT_EQ(m.notifiers[0].name, "core.log");
  EXPECT_EQ(m.notifiers[0].with.at("path"), "/tmp/base/events");
  EXPECT_THAT(m.notifiers[0].on, ElementsAre("run.*"));

  const auto* p = m.pipeline("failover");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->rto_target, 30min);
  ASSERT_EQ(p->guards.size(), 1u);
  EXPECT_EQ(p->guards[0].id, "core.tcp");
  EXPECT_EQ(p->guards[0].with.at("port"), 1433);  // a whole ${var} keeps its type
  EXPECT_EQ(p->guards[0].expect, boost::json::value(false));
  EXPECT_EQ(p->guards[0].reason, "primary down");

  ASSERT_EQ(p->stages.size(), 3u);
  const auto& a = p->stages[0].steps.at(0);
  EXPECT_EQ(a.with.at("argv"), (boost::json::array{"mkdir", "/tmp/base"}));
  EXPECT_EQ(a.retry.attempts, 3);
  EXPECT_EQ(a.retry.delay, 5s);
  EXPECT_EQ(a.retry.backoff, 1.5);
  EXPECT_EQ(a.retry.max_delay, 1min);
  EXPECT_EQ(a.timeout, 2min);
  EXPECT_EQ(a.on_failure, OnFailure::rollback);
  EXPECT_FALSE(a.critical);
  ASSERT_EQ(a.compensate.size(), 1u);
  EXPECT_EQ(a.compensate[0].id, "undo-a");

  const auto& stage = p->stages[1];
  EXPECT_TRUE(stage.parallel);
  EXPECT_EQ(stage.max_parallel, 1);
  EXPECT_FALSE(stage.fail_fast);
  EXPECT_EQ(stage.path, "pipelines.failover.steps[1]");
  EXPECT_EQ(stage.steps.at(1).path, "pipelines.failover.steps[1].parallel[1]");
  // Run-time references stay as text for the engine.
  EXPECT_EQ(stage.steps.at(1).with.at("argv"),
            (boost::json::array{"echo", "${steps.a.outputs.stdout}", "${run.id}"}));
  EXPECT_EQ(stage.steps.at(1).verify.at(0).probe, "core.file");

  const auto& d = p->stages[2].steps.at(0);
  ASSERT_TRUE(d.wait_until.has_value());
  EXPECT_EQ(d.wait_until->interval, 1s);
  EXPECT_EQ(d.wait_until->timeout, 10s);

  std::vector<std::string> ids;
  for (const auto* s : p->steps()) ids.push_back(s->id);
  EXPECT_THAT(ids, ElementsAre("a", "b", "c", "d"));
}

TEST(Manifest, AnEnvironmentOverlaysVarsAndPluginPath) {
  auto m = parse_manifest(std::string(kManifest), "/srv/dr/drkit.json", "lab");
  EXPECT_EQ(m.environment, "lab");
  EXPECT_EQ(m.vars.at("dir"), "/tmp/lab");
  EXPECT_EQ(m.vars.at("port"), 1433);  // merged, not replaced
  EXPECT_THAT(m.plugin_path, ElementsAre("/srv/dr/lab-plugins"));
  EXPECT_EQ(m.notifiers.at(0).with.at("path"), "/tmp/lab/events");
}

TEST(Manifest, UnknownPipelineMessageSuggestsAndLists) {
  auto m = parse_manifest(std::string(kManifest), "drkit.json", "");
  EXPECT_EQ(m.pipeline("failvoer"), nullptr);
  EXPECT_EQ(m.unknown_pipeline_message("failvoer"),
            "unknown pipeline 'failvoer'; did you mean 'failover'? (pipelines: failover)");
}

TEST(Manifest, TheSameTextHasTheSameHashAndAnotherTextAnother) {
  auto a = parse_manifest(std::string(kManifest), "a.json", "");
  auto b = parse_manifest(std::string(kManifest), "b.json", "lab");
  auto c = parse_manifest(std::string(kManifest) + "\n", "a.json", "");
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_NE(a.hash, c.hash);
}

TEST(Manifest, LoadManifestSaysWhatToDoWhenTheFileIsMissingOrUnreadable) {
  try {
    load_manifest("/nonexistent-drkit-dir/drkit.json", "");
    FAIL() << "a missing manifest loaded";
  } catch (const ValidationFailed& e) {
    EXPECT_STREQ(e.what(), "/nonexistent-drkit-dir/drkit.json: cannot read the manifest: no such "
                           "file (pass --manifest PATH, or run where drkit.json is)");
  }
  // A folder opens like a file but reads as nothing: not a JSON syntax error.
  try {
    load_manifest("/", "");
    FAIL() << "a folder loaded as a manifest";
  } catch (const ValidationFailed& e) {
    EXPECT_STREQ(e.what(),
                 "/: cannot read the manifest: it is a folder (pass --manifest FOLDER/drkit.json)");
  }
}

class ExampleManifest : public ::testing::Test {
 protected:
  ExampleManifest() { loader_.load_file(fs::path(DRKIT_PLUGIN_DIR) / "drkit-core.so", true); }
  ~ExampleManifest() override = default;
  ComponentRegistry registry_;
  PluginLoader loader_{registry_};
};

TEST_F(ExampleManifest, HelloValidatesCleanlyInEveryEnvironment) {
  fs::path file = fs::path(DRKIT_SOURCE_DIR) / "examples" / "hello" / "drkit.json";
  for (const char* env : {"", "ci"}) {
    auto m = load_manifest(file, env);
    EXPECT_THAT(validate_manifest(m, registry_), IsEmpty()) << "env '" << env << "'";
    EXPECT_NE(m.pipeline("failover"), nullptr);
  }
}

}  // namespace
}  // namespace drkit
