#include "run_session.h"

#include <unistd.h>

#include <cstdlib>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "console.h"
#include "drkit/duration.hpp"
#include "drkit/errors.hpp"
#include "exit_code.h"
#include "journal.h"
#include "signals.h"
#include "terminal_approver.h"
#include "workspace.h"

namespace drkit::cli {

int execute_run(const GlobalOptions& options, const RunFlags& flags, const std::string& pipeline_name,
                const std::string& resume_run_id) {
  auto dir = state_dir(options);
  auto journal = Journal::open(dir);
  std::string pipeline = pipeline_name;
  GlobalOptions effective = options;
  if (!resume_run_id.empty()) {
    auto run = journal->find_run(resume_run_id);
    if (!run) throw ConfigError(fmt::format("no run '{}' in the journal at {} (see `drkit runs`)", resume_run_id, dir.string()));
    pipeline = run->pipeline;
    // A resume uses the run's own manifest and environment unless told otherwise.
    if (options.manifest == "drkit.json") effective.manifest = run->manifest_path;
    if (options.environment.empty()) effective.environment = run->environment;
  }
  auto ws = Workspace::with_manifest(effective);
  const auto& p = ws->pipeline(pipeline);

  if (resume_run_id.empty() && !options.dry_run) {
    auto check = journal->last_passing_check(std::filesystem::absolute(ws->manifest().file).lexically_normal().string(),
                                             pipeline, ws->manifest().environment);
    if (check && check->manifest_hash != ws->manifest().hash)
      fmt::print(stderr, "drkit: note: the manifest changed since its last passing `drkit check`\n");
  }

  Console console(options);
  std::set<std::string> approve(options.approve.begin(), options.approve.end());
  TerminalApprover approver(console, options.yes, approve);
  Engine engine(ws->manifest(), ws->registry(), *journal, dir, console, approver);
  RunOptions ro;
  ro.pipeline = pipeline;
  ro.dry_run = options.dry_run;
  ro.yes = options.yes;
  ro.approve = approve;
  ro.force_guards = {flags.force.begin(), flags.force.end()};
  ro.resume_run_id = resume_run_id;
  ro.accept_manifest_change = flags.accept_manifest_change;
  if (auto d = parse_duration(flags.notify_deadline)) ro.notify_deadline = *d;

  for (const auto& g : flags.force) {
    bool known = false;
    for (const auto& guard : p.guards) known = known || guard.id == g;
    if (!known) throw ConfigError(fmt::format("--force {}: pipeline '{}' has no guard with that id", g, pipeline));
  }

  console.line(fmt::format("drkit: {} pipeline '{}'{}{} ({} steps)", resume_run_id.empty() ? "running" : "resuming",
                           pipeline, ws->manifest().environment.empty() ? "" : " env " + ws->manifest().environment,
                           options.dry_run ? " [dry run: nothing will be changed]" : "", p.steps().size()));
  RunResult result;
  {
    SignalGuard signals(engine, [&approver] { approver.interrupt(); });
    result = engine.run(ro);
  }
  if (result.exit_code == kLocked) {
    console.line("drkit: " + result.message);
  } else {
    console.line(fmt::format("drkit: run {} {}{}{}", result.run_id, to_string(result.status),
                             result.message.empty() ? "" : ": ", result.message));
    if (result.status != RunStatus::succeeded)
      console.line(fmt::format("drkit: details: drkit report {} --state-dir {}", result.run_id, dir.string()));
  }
  if (options.json()) {
    fmt::print("{}\n", boost::json::serialize(boost::json::object{{"run_id", result.run_id},
                                                                  {"status", to_string(result.status)},
                                                                  {"exit_code", result.exit_code},
                                                                  {"message", result.message}}));
  }
  if (result.notifications_abandoned) {
    // A notifier is stuck in plugin code past its deadline: leave without unloading plugins.
    console.line("drkit: a notifier did not stop in time; exiting without waiting for it");
    std::fflush(stdout);
    std::_Exit(result.exit_code);
  }
  return result.exit_code;
}

}  // namespace drkit::cli
