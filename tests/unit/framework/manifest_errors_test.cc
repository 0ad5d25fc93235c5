// Bad manifests: each test asserts every diagnostic's whole text, file:line:column included.
//
// The registry holds the real core plugin (loaded through PluginLoader from the build tree)
// plus a few components registered here, because core has no resource types and no
// parameters with allowed values.
#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "component_registry.h"
#include "manifest.h"
#include "manifest_validator.h"
#include "plugin_loader.h"

namespace drkit {
namespace {

using ::testing::ElementsAre;

class NoopStep final : public Step {
 public:
  Plan plan(Context&) override { return {"nothing"}; }
  boost::json::object run(Context&) override { return {}; }
};

// unit.deploy (a step taking a unit.server resource and a mode with allowed values) and
// the resource types unit.server and unit.share.
void register_unit_components(ComponentRegistry& registry) {
  registry.begin_plugin("unit", "manifest_errors_test");
  registry.add_resource_type(
      {.name = "server",
       .summary = "A server",
       .params = {{.name = "host", .required = true, .description = "host name"},
                  {.name = "password", .description = "its password", .secret = true}}});
  registry.add_resource_type(
      {.name = "share",
       .summary = "A file share",
       .params = {{.name = "path", .required = true, .description = "folder"}}});
  registry.add_step(
      {.name = "deploy",
       .summary = "Deploys to a server",
       .effect = Effect::mutating,
       .params = {{.name = "target", .type = ParamType::resource, .required = true,
                   .description = "where", .resource_type = "unit.server"},
                  {.name = "mode", .default_value = "safe", .allowed = {"fast", "safe"},
                   .description = "how"}}},
      [](const Params&) { return std::make_unique<NoopStep>(); });
  registry.add_step(
      {.name = "scale",
       .summary = "Sets how many copies run",
       .params = {{.name = "replicas", .type = ParamType::integer, .default_value = 1,
                   .description = "copies", .minimum = 1, .maximum = 10},
                  {.name = "budget", .type = ParamType::integer, .description = "at most this much",
                   .maximum = 100}}},
      [](const Params&) { return std::make_unique<NoopStep>(); });
}

class BadManifest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registry_ = new ComponentRegistry();
    loader_ = new PluginLoader(*registry_);
    // Permissions are the loader tests' business; build trees may be group-writable.
    loader_->load_file(std::filesystem::path(DRKIT_PLUGIN_DIR) / "drkit-core.so", true);
    register_unit_components(*registry_);
    registry_->freeze();
  }
  static void TearDownTestSuite() {
    delete loader_;  // removes the core plugin's components from the registry
    delete registry_;
  }

  // Every diagnostic of parsing then validating `text`, as the CLI prints them.
  static std::vector<std::string> problems(std::string_view text, const std::string& env = "",
                                           const std::string& file = "drkit.json") {
    Diagnostics found;
    try {
      auto manifest = parse_manifest(std::string(text), file, env);
      found = validate_manifest(manifest, *registry_);
    } catch (const ValidationFailed& e) {
      found = e.diagnostics();
    }
    std::vector<std::string> out;
    for (const auto& d : found) out.push_back(d.to_string());
    return out;
  }

  static ComponentRegistry* registry_;
  static PluginLoader* loader_;
};

ComponentRegistry* BadManifest::registry_ = nullptr;
PluginLoader* BadManifest::loader_ = nullptr;

// A missing comma: the parser stops at the next key.
TEST_F(BadManifest, SyntaxErrorPointsAtTheTokenAfterAMissingComma) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1
  "pipelines": {}
})json"),
              ElementsAre("drkit.json:3:3: invalid JSON: syntax error (check for a missing "
                          "comma, quote or brace just before this point)"));
}

// The file ends inside an object.
TEST_F(BadManifest, TruncatedFileIsAnIncompleteJsonError) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {)json"),
              ElementsAre("drkit.json:3:17: invalid JSON: incomplete JSON (check for a "
                          "missing comma, quote or brace just before this point)"));
}

TEST_F(BadManifest, TopLevelMustBeAnObject) {
  EXPECT_THAT(problems(R"json([
  "drkit"
])json"),
              ElementsAre("drkit.json:1:1: the manifest must be a JSON object with \"drkit\": 1 "
                          "and \"pipelines\""));
}

TEST_F(BadManifest, MissingFormatVersion) {
  EXPECT_THAT(problems(R"json({
  "pipelines": {}
})json"),
              ElementsAre("drkit.json:1:1: missing \"drkit\": 1 (the manifest format version)"));
}

TEST_F(BadManifest, WrongFormatVersion) {
  EXPECT_THAT(problems(R"json({
  "drkit": 2,
  "pipelines": {}
})json"),
              ElementsAre("drkit.json:2:3: drkit: this drkit reads manifest format 1: set "
                          "\"drkit\": 1"));
}

TEST_F(BadManifest, UnknownTopLevelKeyWithDidYouMean) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "varz": { "x": 1 },
  "pipelines": {}
})json"),
              ElementsAre("drkit.json:3:3: varz: unknown key 'varz' in the manifest; did you "
                          "mean 'vars'? (allowed: drkit, name, description, vars, "
                          "environments, resources, notify, pipelines, plugin_path, $schema)"));
}

TEST_F(BadManifest, MissingPipelines) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "name": "x"
})json"),
              ElementsAre("drkit.json:1:1: missing \"pipelines\": define at least one pipeline"));
}

TEST_F(BadManifest, StepsNotAList) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": { "steps": { "id": "a" } }
  }
})json"),
              ElementsAre("drkit.json:4:12: pipelines.p.steps: a pipeline needs \"steps\": a "
                          "list of steps"));
}

TEST_F(BadManifest, UnknownStepKeyWithDidYouMean) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.sleep", "descripton": "x", "with": { "duration": "1s" } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:44: pipelines.p.steps[0].descripton: unknown key "
                          "'descripton' in a step; did you mean 'description'? (allowed: id, "
                          "uses, with, description, when, confirm, retry, timeout, "
                          "on_failure, critical, verify, wait_until, compensate)"));
}

// Both required keys are reported, at the step.
TEST_F(BadManifest, StepWithoutIdOrUses) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "with": { "duration": "1s" } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:9: pipelines.p.steps[0]: missing required key 'id'",
                          "drkit.json:6:9: pipelines.p.steps[0]: missing required key 'uses'"));
}

TEST_F(BadManifest, UnknownComponentWithDidYouMean) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.slep", "with": { "duration": "1s" } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:22: pipelines.p.steps[0].uses: unknown step "
                          "'core.slep'; did you mean 'core.sleep'?"));
}

TEST_F(BadManifest, UnqualifiedComponentNameExplainsQualification) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "exec", "with": { "argv": ["true"] } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:22: pipelines.p.steps[0].uses: unknown step 'exec' "
                          "(component names are qualified: PLUGIN.NAME; see `drkit plugins "
                          "list`)"));
}

TEST_F(BadManifest, ComponentOfAPluginNotLoadedAsksAboutThePluginPath) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "sqlserver.recover_database", "with": {} }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:22: pipelines.p.steps[0].uses: unknown step "
                          "'sqlserver.recover_database' (is its plugin on the plugin path? "
                          "see `drkit plugins list`)"));
}

TEST_F(BadManifest, ProbeUsedAsAStep) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.tcp", "with": { "host": "h", "port": 1 } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:22: pipelines.p.steps[0].uses: 'core.tcp' is a probe, "
                          "but a step is needed here"));
}

TEST_F(BadManifest, UnknownParameterWithDidYouMeanAlsoReportsTheMissingOne) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.sleep", "with": { "duraton": "1s" } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:54: pipelines.p.steps[0].with.duraton: unknown "
                          "parameter 'duraton' for core.sleep; did you mean 'duration'? "
                          "(parameters: duration)",
                          "drkit.json:6:44: pipelines.p.steps[0].with: missing required "
                          "parameter 'duration' (duration: how long to wait)"));
}

TEST_F(BadManifest, MissingRequiredParameter) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec",
          "verify": [ { "probe": "core.tcp", "with": { "host": "db" } } ],
          "with": { "argv": ["true"] } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:7:46: pipelines.p.steps[0].verify[0].with: missing "
                          "required parameter 'port' (integer: TCP port)"));
}

TEST_F(BadManifest, WrongParameterType) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec", "with": { "argv": ["true"], "expect_exit": "0" } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:71: pipelines.p.steps[0].with.expect_exit: "
                          "'expect_exit' must be an integer, not a string"));
}

TEST_F(BadManifest, WrongListItemType) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec", "with": { "argv": ["echo", 42] } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:70: pipelines.p.steps[0].with.argv[1]: items of "
                          "'argv' must be a string, not an integer"));
}

TEST_F(BadManifest, BadDurationParameter) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.sleep", "with": { "duration": "soon" } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:54: pipelines.p.steps[0].with.duration: 'duration' "
                          "must be a duration such as \"500ms\", \"30s\", \"5m\" or \"1h30m\", not a "
                          "string"));
}

TEST_F(BadManifest, ValueNotAllowedWithDidYouMean) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "resources": {
    "web1": { "type": "unit.server", "with": { "host": "web1.example" } },
    "share": { "type": "unit.share", "with": { "path": "/srv/share" } }
  },
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "unit.deploy", "with": { "target": "web1", "mode": "fats" } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:10:73: pipelines.p.steps[0].with.mode: \"fats\" is not an "
                          "allowed value for 'mode' (allowed: \"fast\", \"safe\"); did you mean "
                          "'fast'?"));
}

TEST_F(BadManifest, UnknownResource) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "resources": {
    "web1": { "type": "unit.server", "with": { "host": "web1.example" } },
    "share": { "type": "unit.share", "with": { "path": "/srv/share" } }
  },
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "unit.deploy", "with": { "target": "web2" } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:10:55: pipelines.p.steps[0].with.target: unknown "
                          "resource 'web2'; did you mean 'web1'? (or declare it under \"resources\")"));
}

TEST_F(BadManifest, ResourceOfTheWrongType) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "resources": {
    "web1": { "type": "unit.server", "with": { "host": "web1.example" } },
    "share": { "type": "unit.share", "with": { "path": "/srv/share" } }
  },
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "unit.deploy", "with": { "target": "share" } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:10:55: pipelines.p.steps[0].with.target: resource "
                          "'share' is of type unit.share, but 'target' needs a unit.server"));
}

TEST_F(BadManifest, UnknownResourceTypeWithDidYouMean) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "resources": {
    "db": { "type": "unit.servr", "with": { "host": "db" } }
  },
  "pipelines": { "p": { "steps": [] } }
})json"),
              ElementsAre("drkit.json:4:13: resources.db.type: unknown resource type "
                          "'unit.servr'; did you mean 'unit.server'?"));
}

TEST_F(BadManifest, ResourceParametersAreValidated) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "resources": {
    "db": { "type": "unit.server", "with": { "hots": "db" } }
  },
  "pipelines": { "p": { "steps": [] } }
})json"),
              ElementsAre("drkit.json:4:46: resources.db.with.hots: unknown parameter 'hots' "
                          "for unit.server; did you mean 'host'? (parameters: host, password)",
                          "drkit.json:4:36: resources.db.with: missing required parameter "
                          "'host' (string: host name)"));
}

TEST_F(BadManifest, ReferenceToAnUnknownStepWithDidYouMean) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "prepare", "uses": "core.exec", "with": { "argv": ["true"] } },
        { "id": "report", "uses": "core.exec",
          "with": { "argv": ["echo", "${steps.prepair.outputs.stdout}"] } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:8:38: pipelines.p.steps[1].with.argv[1]: "
                          "'${steps.prepair.outputs.stdout}' refers to unknown step "
                          "'prepair'; did you mean 'prepare'?"));
}

TEST_F(BadManifest, ReferenceToALaterStep) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "report", "uses": "core.exec",
          "with": { "argv": ["echo", "${steps.prepare.outputs.stdout}"] } },
        { "id": "prepare", "uses": "core.exec", "with": { "argv": ["true"] } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:7:38: pipelines.p.steps[0].with.argv[1]: "
                          "'${steps.prepare.outputs.stdout}' refers to step 'prepare', which "
                          "does not finish before this point: move it earlier (steps in one "
                          "parallel stage cannot see each other)"));
}

TEST_F(BadManifest, ReferenceToAStepInTheSameParallelStage) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "parallel": [
            { "id": "a", "uses": "core.exec", "with": { "argv": ["true"] } },
            { "id": "b", "uses": "core.exec", "with": { "argv": ["echo", "${steps.a.outputs.stdout}"] } }
        ] }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:8:74: pipelines.p.steps[0].parallel[1].with.argv[1]: "
                          "'${steps.a.outputs.stdout}' refers to step 'a', which does not "
                          "finish before this point: move it earlier (steps in one parallel "
                          "stage cannot see each other)"));
}

TEST_F(BadManifest, StepReferenceWithoutOutputs) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec", "with": { "argv": ["true"] } },
        { "id": "b", "uses": "core.exec", "with": { "argv": ["echo", "${steps.a.stdout}"] } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:7:70: pipelines.p.steps[1].with.argv[1]: "
                          "'${steps.a.stdout}' must read ${steps.ID.outputs.KEY}"));
}

TEST_F(BadManifest, DuplicateStepIds) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec", "with": { "argv": ["true"] } },
        { "id": "a", "uses": "core.exec", "with": { "argv": ["false"] } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:7:11: pipelines.p.steps[1].id: duplicate step id 'a' "
                          "(first used at line 6): ids must be unique in a pipeline"));
}

// JSON keeps the last of two equal keys: the first block would vanish silently.
TEST_F(BadManifest, DuplicateKeyInAStep) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec", "with": { "argv": ["true"] },
          "with": { "argv": ["false"] } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:7:11: pipelines.p.steps[0].with: duplicate key 'with' "
                          "(first at line 6): only the last one would count; merge them or "
                          "remove one"));
}

TEST_F(BadManifest, UnknownVariableWithDidYouMean) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "vars": { "work_dir": "/tmp/w" },
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec", "with": { "argv": ["mkdir", "${var.wrok_dir}"] } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:7:71: pipelines.p.steps[0].with.argv[1]: unknown "
                          "variable 'wrok_dir': define it under \"vars\"; did you mean "
                          "'work_dir'?"));
}

TEST_F(BadManifest, UnknownTemplateKind) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec", "with": { "argv": ["ls", "${env.HOME}"] } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:68: pipelines.p.steps[0].with.argv[1]: unknown "
                          "reference '${env.HOME}' (use var.NAME, secret:env:NAME, "
                          "secret:file:PATH, steps.ID.outputs.KEY, run.id, run.pipeline or "
                          "run.environment)"));
}

TEST_F(BadManifest, UnclosedTemplate) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec", "with": { "argv": ["echo", "${run.id"] } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:70: pipelines.p.steps[0].with.argv[1]: '${' is never "
                          "closed with '}' (write $${ for a literal ${)"));
}

TEST_F(BadManifest, MissingSecretEnvironmentVariable) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec",
          "with": { "argv": ["login"], "env": { "PW": "${secret:env:DRKIT_TEST_SURELY_UNSET}" } } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:7:49: pipelines.p.steps[0].with.env.PW: secret "
                          "environment variable DRKIT_TEST_SURELY_UNSET is not set: export it "
                          "before running drkit"));
}

TEST_F(BadManifest, UnreadableSecretFileRelativeToTheManifest) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec",
          "with": { "argv": ["login"], "stdin": "${secret:file:creds/sql.pw}" } }
      ]
    }
  }
})json", "", "/nonexistent-drkit-test/drkit.json"),
              ElementsAre("/nonexistent-drkit-test/drkit.json:7:40: "
                          "pipelines.p.steps[0].with.stdin: secret file "
                          "/nonexistent-drkit-test/creds/sql.pw cannot be read: create it "
                          "(mode 0600) or fix the path"));
}

// A folder would read as an empty secret, a device or FIFO forever.
TEST_F(BadManifest, SecretFileThatIsNotARegularFile) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec",
          "with": { "argv": ["login"], "stdin": "${secret:file:/}", "env": { "K": "${secret:file:/dev/zero}" } } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:7:40: pipelines.p.steps[0].with.stdin: secret file / is "
                          "not a regular file: fix the path",
                          "drkit.json:7:78: pipelines.p.steps[0].with.env.K: secret file "
                          "/dev/zero is not a regular file: fix the path"));
}

TEST_F(BadManifest, UnknownSecretSource) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec",
          "with": { "argv": ["login"], "stdin": "${secret:vault:sql}" } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:7:40: pipelines.p.steps[0].with.stdin: unknown secret "
                          "source in '${secret:vault:sql}': use secret:env:NAME or "
                          "secret:file:PATH"));
}

TEST_F(BadManifest, BadStepTimeout) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec", "timeout": "5 minutes", "with": { "argv": ["true"] } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:43: pipelines.p.steps[0].timeout: 'timeout' must be a "
                          "duration such as \"30s\", \"5m\" or \"1h\""));
}

// Every field of a bad retry block is reported.
TEST_F(BadManifest, BadRetryPolicy) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec", "with": { "argv": ["true"] },
          "retry": { "attempts": 0, "delay": "-1s", "backoff": 0.5, "jitter": true } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:7:69: pipelines.p.steps[0].retry.jitter: unknown key "
                          "'jitter' in 'retry' (allowed: attempts, delay, backoff, max_delay)",
                          "drkit.json:7:22: pipelines.p.steps[0].retry.attempts: 'attempts' "
                          "must be an integer from 1 to 1000",
                          "drkit.json:7:37: pipelines.p.steps[0].retry.delay: 'delay' must be "
                          "a duration such as \"30s\", \"5m\" or \"1h\"",
                          "drkit.json:7:53: pipelines.p.steps[0].retry.backoff: 'backoff' "
                          "must be a number >= 1.0"));
}

TEST_F(BadManifest, BadOnFailureWithDidYouMean) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.exec", "on_failure": "rollbak", "with": { "argv": ["true"] } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:43: pipelines.p.steps[0].on_failure: 'on_failure' "
                          "must be \"abort\", \"continue\" or \"rollback\"; did you mean "
                          "'rollback'?"));
}

TEST_F(BadManifest, BadMaxParallel) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "parallel": [ { "id": "a", "uses": "core.exec", "with": { "argv": ["true"] } } ],
          "max_parallel": 0 }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:7:11: pipelines.p.steps[0].max_parallel: 'max_parallel' "
                          "must be an integer >= 1"));
}

TEST_F(BadManifest, UnknownEnvironmentWithDidYouMean) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "environments": {
    "lab": {},
    "prod": {}
  },
  "pipelines": { "p": { "steps": [] } }
})json", "prdo"),
              ElementsAre("drkit.json:3:3: environments: unknown environment 'prdo'; did you "
                          "mean 'prod'? (environments: lab, prod)"));
}

TEST_F(BadManifest, EnvironmentWhenTheManifestHasNone) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": { "p": { "steps": [] } }
})json", "lab"),
              ElementsAre("drkit.json:1:1: unknown environment 'lab' (environments: none)"));
}

TEST_F(BadManifest, UnknownKeyInAnEnvironment) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "environments": {
    "lab": { "varz": {} }
  },
  "pipelines": { "p": { "steps": [] } }
})json", "lab"),
              ElementsAre("drkit.json:4:14: environments.lab.varz: unknown key 'varz' in an "
                          "environment; did you mean 'vars'? (allowed: vars, resources, "
                          "notify, pipelines, plugin_path, description)"));
}

// The overlay replaces the base value: the error is where the user wrote the bad one.
TEST_F(BadManifest, ProblemInAnEnvironmentOverlayPointsAtTheOverlay) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "resources": {
    "db": { "type": "unit.server", "with": { "host": "db.lab" } }
  },
  "environments": {
    "prod": { "resources": { "db": { "with": { "host": 5 } } } }
  },
  "pipelines": { "p": { "steps": [] } }
})json", "prod"),
              ElementsAre("drkit.json:7:48: resources.db.with.host: 'host' must be a string, "
                          "not an integer"));
}

TEST_F(BadManifest, UnknownGuardProbeWithDidYouMean) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "guards": [ { "probe": "core.tpc", "with": { "host": "db", "port": 1433 } } ],
      "steps": []
    }
  }
})json"),
              ElementsAre("drkit.json:5:21: pipelines.p.guards[0].probe: unknown probe "
                          "'core.tpc'; did you mean 'core.tcp'?"));
}

TEST_F(BadManifest, StepUsedAsAProbe) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "guards": [ { "probe": "core.exec", "with": { "argv": ["true"] } } ],
      "steps": []
    }
  }
})json"),
              ElementsAre("drkit.json:5:21: pipelines.p.guards[0].probe: 'core.exec' is a "
                          "step, but a probe is needed here"));
}

// Guards run before every step.
TEST_F(BadManifest, GuardCannotReferToStepOutputs) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "guards": [ { "probe": "core.file", "with": { "path": "${steps.a.outputs.file}" } } ],
      "steps": [ { "id": "a", "uses": "core.exec", "with": { "argv": ["true"] } } ]
    }
  }
})json"),
              ElementsAre("drkit.json:5:53: pipelines.p.guards[0].with.path: "
                          "'${steps.a.outputs.file}' refers to step 'a', which does not "
                          "finish before this point: move it earlier (steps in one parallel "
                          "stage cannot see each other)"));
}

TEST_F(BadManifest, UnknownNotifierWithDidYouMean) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "notify": [ { "uses": "core.lgo", "with": { "path": "/tmp/x" } } ],
  "pipelines": { "p": { "steps": [] } }
})json"),
              ElementsAre("drkit.json:3:17: notify[0].uses: unknown notifier 'core.lgo'; did "
                          "you mean 'core.log'?"));
}

TEST_F(BadManifest, EveryProblemIsReportedAtOnceInFileOrder) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "core.slep", "with": {} },
        { "id": "b", "uses": "core.exec", "with": { "argv": "true" } },
        { "id": "c", "uses": "core.tcp", "with": { "host": "h", "port": 1 } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:22: pipelines.p.steps[0].uses: unknown step "
                          "'core.slep'; did you mean 'core.sleep'?",
                          "drkit.json:7:53: pipelines.p.steps[1].with.argv: 'argv' must be a "
                          "list, not a string",
                          "drkit.json:8:22: pipelines.p.steps[2].uses: 'core.tcp' is a probe, "
                          "but a step is needed here"));
}

TEST_F(BadManifest, IntegersOutsideTheirBoundsAreReportedAtTheParameter) {
  EXPECT_THAT(problems(R"json({
  "drkit": 1,
  "pipelines": {
    "p": {
      "steps": [
        { "id": "a", "uses": "unit.scale", "with": { "replicas": 0, "budget": 101 } },
        { "id": "b", "uses": "unit.scale", "with": { "replicas": 18446744073709551615 } },
        { "id": "c", "uses": "unit.scale", "with": { "replicas": 10, "budget": -9223372036854775807 } }
      ]
    }
  }
})json"),
              ElementsAre("drkit.json:6:54: pipelines.p.steps[0].with.replicas: 'replicas' is 0: give 1 to 10",
                          "drkit.json:6:69: pipelines.p.steps[0].with.budget: 'budget' is 101: give 100 or less",
                          "drkit.json:7:54: pipelines.p.steps[1].with.replicas: 'replicas' is "
                          "18446744073709551615: give 1 to 10"));
}

}  // namespace
}  // namespace drkit
