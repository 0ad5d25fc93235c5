// `drkit check`: a readiness check. Runs the pipeline's guards and plans every step (plans
// read state: a server that cannot be reached shows up here) without changing anything,
// and records the manifest hash it checked so `run` can say when it changed since.
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "command.h"
#include "exit_code.h"
#include "journal.h"
#include "planner.h"
#include "probe_check.h"
#include "run_environment.h"
#include "workspace.h"

namespace drkit::cli {

std::function<int()> setup_check(CLI::App& app, GlobalOptions& o) {
  auto pipeline = std::make_shared<std::string>();
  app.add_option("PIPELINE", *pipeline, "Pipeline to check")->required();
  return [&o, pipeline]() -> int {
    auto ws = Workspace::with_manifest(o);
    const auto& p = ws->pipeline(*pipeline);
    const auto& m = ws->manifest();
    bool ok = true;
    boost::json::array guards;
    {
      RunScope scope;
      RunEnvironment env(m, ws->registry(), scope, {"(check)", *pipeline, m.environment}, true);
      CancellationToken token;
      for (const auto& g : p.guards) {
        auto r = check_probe(env, g, g.id, token, true);
        ok = ok && r.holds;
        guards.push_back({{"id", g.id}, {"holds", r.holds}, {"message", r.message}});
        if (!o.json()) fmt::print("  {:<6} guard {}: {}\n", r.holds ? "ok" : "FAIL", g.id, r.message);
      }
    }
    auto plan = plan_pipeline(m, ws->registry(), *pipeline);
    boost::json::array problems;
    for (const auto& s : plan.steps) {
      if (s.error.empty()) continue;
      ok = false;
      problems.push_back({{"step", s.id}, {"error", s.error}});
      if (!o.json()) fmt::print("  FAIL   step {}: cannot plan: {}\n", s.id, s.error);
    }
    auto journal = Journal::open(state_dir(o));
    journal->record_check({std::filesystem::absolute(m.file).lexically_normal().string(), m.hash, *pipeline,
                           m.environment, std::chrono::system_clock::now(), ok});
    if (o.json()) {
      fmt::print("{}\n", boost::json::serialize(boost::json::object{
                             {"ready", ok}, {"pipeline", *pipeline}, {"manifest_hash", m.hash},
                             {"guards", guards}, {"problems", problems}}));
    } else {
      fmt::print("{}: pipeline '{}' is {}\n", m.file.string(), *pipeline,
                 ok ? "ready (guards hold, every step can be planned)" : "NOT ready");
    }
    return ok ? kOk : kGuardRefused;
  };
}

}  // namespace drkit::cli
