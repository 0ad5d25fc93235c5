#include "command.h"
#include "run_session.h"

namespace drkit::cli {

std::function<int()> setup_run(CLI::App& app, GlobalOptions& o) {
  auto pipeline = std::make_shared<std::string>();
  auto flags = std::make_shared<RunFlags>();
  app.add_option("PIPELINE", *pipeline, "Pipeline to run (e.g. failover)")->required();
  app.add_flag("-y,--yes", o.yes, "Approve every gate (confirm steps) without asking");
  app.add_option("--approve", o.approve, "Approve the gate of this step id in advance (repeatable)");
  app.add_flag("--dry-run", o.dry_run, "Run read-only steps and probes; plan mutating steps without running them");
  app.add_option("--force", flags->force, "Override the guard with this id (journaled; repeatable)");
  app.add_option("--notify-deadline", flags->notify_deadline, "How long to wait for notifications at the end (default 15s)");
  return [&o, pipeline, flags]() { return execute_run(o, *flags, *pipeline, ""); };
}

std::function<int()> setup_resume(CLI::App& app, GlobalOptions& o) {
  auto run_id = std::make_shared<std::string>();
  auto flags = std::make_shared<RunFlags>();
  app.add_option("RUN_ID", *run_id, "The run to continue (see `drkit runs`)")->required();
  app.add_flag("-y,--yes", o.yes, "Approve every gate without asking");
  app.add_option("--approve", o.approve, "Approve the gate of this step id in advance (repeatable)");
  app.add_flag("--accept-manifest-change", flags->accept_manifest_change,
               "Resume even though the manifest changed since the run started");
  app.add_option("--force", flags->force, "Override the guard with this id (if guards were not passed yet)");
  app.add_option("--notify-deadline", flags->notify_deadline, "How long to wait for notifications at the end (default 15s)");
  return [&o, run_id, flags]() { return execute_run(o, *flags, "", *run_id); };
}

}  // namespace drkit::cli
