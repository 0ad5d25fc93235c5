// The command table: every `drkit` subcommand in one list (ninja's kTools idea).
// Help, did-you-mean and docs/cli.md read it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "global_options.h"

namespace drkit::cli {

// Adds the command's own options to `sub` and returns the function that runs it.
using CommandSetup = std::function<std::function<int()>(CLI::App& sub, GlobalOptions& options)>;

struct Command {
  const char* name;
  const char* summary;
  const char* examples;  // shown under --help
  CommandSetup setup;
};

const std::vector<Command>& commands();

// One setup function per file in cli/commands/.
std::function<int()> setup_validate(CLI::App&, GlobalOptions&);
std::function<int()> setup_plan(CLI::App&, GlobalOptions&);
std::function<int()> setup_run(CLI::App&, GlobalOptions&);
std::function<int()> setup_resume(CLI::App&, GlobalOptions&);
std::function<int()> setup_check(CLI::App&, GlobalOptions&);
std::function<int()> setup_probe(CLI::App&, GlobalOptions&);
std::function<int()> setup_runs(CLI::App&, GlobalOptions&);
std::function<int()> setup_report(CLI::App&, GlobalOptions&);
std::function<int()> setup_plugins(CLI::App&, GlobalOptions&);
std::function<int()> setup_schema(CLI::App&, GlobalOptions&);
std::function<int()> setup_notify(CLI::App&, GlobalOptions&);
std::function<int()> setup_lab(CLI::App&, GlobalOptions&);

}  // namespace drkit::cli
