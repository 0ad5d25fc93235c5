#include "command.h"

namespace drkit::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"validate", "Check a manifest against the loaded plugins; report every problem at once",
       "  drkit validate -m examples/hello/drkit.json\n  drkit validate --env lab --output json",
       setup_validate},
      {"plan", "Show exactly what each step of a pipeline would do, without doing it",
       "  drkit plan failover --env lab\n  drkit plan failback --output json", setup_plan},
      {"run", "Run a pipeline durably (journaled, resumable, locked)",
       "  drkit run failover --env lab\n  drkit run failover --env prod --approve go --force primary-down\n"
       "  drkit run failover --dry-run",
       setup_run},
      {"resume", "Continue an interrupted run where it stopped",
       "  drkit resume 20261123-141503-7f3a\n  drkit resume 20261123-141503-7f3a --accept-manifest-change",
       setup_resume},
      {"check", "Readiness check: run a pipeline's guards and read-only probes only",
       "  drkit check failover --env prod", setup_check},
      {"probe", "Run one probe ad hoc",
       "  drkit probe core.tcp --with host=db1 --with port=1433\n  drkit probe sqlserver.database_state --env lab --with instance=backup_sql --with database=mgc",
       setup_probe},
      {"runs", "List runs from the journal", "  drkit runs\n  drkit runs --output json", setup_runs},
      {"report", "Report on a run: timeline, durations, outputs, errors, approvals, RTO",
       "  drkit report 20261123-141503-7f3a\n  drkit report last --format md > failover.md", setup_report},
      {"plugins", "List loaded plugins and components, or describe one",
       "  drkit plugins list\n  drkit plugins describe sqlserver\n  drkit plugins describe core.exec", setup_plugins},
      {"schema", "Print a JSON Schema of the manifest, with every loaded plugin's parameters",
       "  drkit schema > drkit.schema.json", setup_schema},
      {"notify", "Send a test message through a notifier of the manifest",
       "  drkit notify test ops-email --env lab", setup_notify},
      {"lab", "A simulated Persistent Chat estate on loopback: up, status, fail SITE, rebuild SITE, down",
       "  drkit lab up\n  drkit lab status\n  drkit lab fail primary-site\n  drkit lab rebuild primary-site\n  drkit lab down",
       setup_lab},
  };
  return table;
}

}  // namespace drkit::cli
