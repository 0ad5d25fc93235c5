// drkit: run disaster-recovery runbooks durably from a JSON manifest.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "command.h"
#include "diagnostic.h"
#include "drkit/errors.hpp"
#include "drkit/version.hpp"
#include "exit_code.h"
#include "spellcheck.h"

namespace {

constexpr const char* kDescription =
    "drkit runs disaster-recovery failover and failback pipelines described in a JSON manifest,\n"
    "durably: every step is journaled, a crashed run resumes where it stopped, and plan/dry-run\n"
    "never change anything.";

constexpr const char* kFooter =
    "Exit codes: 0 ok, 1 run failed, 2 usage or validation error, 3 a guard refused,\n"
    "            4 interrupted (resumable), 5 locked by another run.\n"
    "Examples:\n"
    "  drkit validate -m examples/hello/drkit.json\n"
    "  drkit plan failover --env lab\n"
    "  drkit run failover --env lab\n"
    "  drkit resume RUN_ID\n"
    "Run `drkit COMMAND --help` for a command's options and examples.";

void add_global_options(CLI::App& app, drkit::cli::GlobalOptions& o) {
  app.add_option("-m,--manifest", o.manifest, "Manifest file (default: drkit.json)");
  app.add_option("--env", o.environment, "Environment overlay from the manifest's \"environments\"");
  app.add_option("--state-dir", o.state_dir,
                 "Journal and locks folder (default: $DRKIT_STATE_DIR, $XDG_STATE_HOME/drkit, ~/.local/state/drkit)");
  app.add_option("--plugin-path", o.plugin_path, "Extra plugin folders, searched first (repeatable, or a:b)");
  app.add_flag("--allow-insecure-plugins", o.allow_insecure_plugins,
               "Load plugins even from files or folders writable by group or others");
  app.add_option("--output", o.output, "Output format")->check(CLI::IsMember({"text", "json"}));
  app.add_flag("-v,--verbose", o.verbose, "Show debug log lines");
}

int unknown_command(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& c : drkit::cli::commands()) names.emplace_back(c.name);
  std::string hint = drkit::did_you_mean(name, names);
  fmt::print(stderr, "drkit: unknown command '{}'{} (run `drkit --help` for the list)\n", name, hint);
  return drkit::cli::kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace drkit::cli;
  CLI::App app(kDescription, "drkit");
  app.footer(kFooter);
  app.set_version_flag("--version", fmt::format("drkit {} (ABI {}, {})", drkit::kVersion, drkit::kAbiVersion,
                                               drkit::kToolchain));
  app.require_subcommand(1);
  GlobalOptions options;
  add_global_options(app, options);

  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const auto& c : commands()) known = known || std::string_view(argv[1]) == c.name;
    if (!known) return unknown_command(argv[1]);
  }

  std::function<int()> action;
  for (const auto& c : commands()) {
    auto* sub = app.add_subcommand(c.name, c.summary);
    sub->fallthrough();
    sub->footer(std::string("Examples:\n") + c.examples);
    auto run = c.setup(*sub, options);
    sub->callback([&action, run] { action = run; });
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kOk : kUsage;
  }
  try {
    return action ? action() : kUsage;
  } catch (const drkit::ValidationFailed& e) {
    for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", d.to_string());
    return kUsage;
  } catch (const drkit::ConfigError& e) {
    fmt::print(stderr, "drkit: {}\n", e.what());
    return kUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "drkit: {}\n", e.what());
    return kRunFailed;
  }
}
