#include "engine.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "engine_run.h"
#include "operator_identity.h"
#include "private_dir.h"
#include "probe_check.h"
#include "run_lock.h"

namespace drkit {

namespace json = boost::json;
namespace fs = std::filesystem;

std::string new_run_id() {
  auto now = std::chrono::system_clock::now();
  std::random_device rd;
  return fmt::format("{:%Y%m%d-%H%M%S}-{:04x}", std::chrono::time_point_cast<std::chrono::seconds>(now), rd() & 0xffff);
}

namespace {


std::string iso(std::chrono::system_clock::time_point t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::time_point_cast<std::chrono::seconds>(t));
}

// Step definitions by id, as JSON, to show what changed between two manifest texts.
std::map<std::string, std::string> step_texts(const std::string& text, const std::string& pipeline) {
  std::map<std::string, std::string> out;
  json::error_code ec;
  auto root = json::parse(text, ec);
  if (ec || !root.is_object()) return out;
  const auto* p = root.get_object().if_contains("pipelines");
  if (!p || !p->is_object()) return out;
  const auto* pl = p->get_object().if_contains(pipeline);
  if (!pl || !pl->is_object()) return out;
  const auto* steps = pl->get_object().if_contains("steps");
  if (!steps || !steps->is_array()) return out;
  std::function<void(const json::value&)> add = [&](const json::value& s) {
    if (!s.is_object()) return;
    const auto& o = s.get_object();
    if (const auto* par = o.if_contains("parallel"); par && par->is_array()) {
      for (const auto& item : par->get_array()) add(item);
      return;
    }
    if (const auto* id = o.if_contains("id"); id && id->is_string()) out[std::string(id->get_string())] = json::serialize(s);
  };
  for (const auto& s : steps->get_array()) add(s);
  return out;
}

std::string changed_steps(const std::string& before, const std::string& after, const std::string& pipeline) {
  auto a = step_texts(before, pipeline), b = step_texts(after, pipeline);
  std::vector<std::string> lines;
  for (const auto& [id, t] : a) {
    auto it = b.find(id);
    if (it == b.end()) lines.push_back("removed: " + id);
    else if (it->second != t) lines.push_back("changed: " + id);
  }
  for (const auto& [id, t] : b)
    if (!a.count(id)) lines.push_back("added: " + id);
  if (lines.empty()) return "no step changed (other parts of the manifest did)";
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : ", ") + l;
  return out;
}

// Writes the run's log file and forwards to the CLI's observer.
class LoggingObserver final : public EngineObserver {
 public:
  LoggingObserver(EngineObserver& inner, const fs::path& file) : inner_(inner), out_(file, std::ios::app) {}
  void on_log(const Invocation& who, LogLevel level, std::string_view message) override {
    write(fmt::format("[{}] {}: {}", who.step_id, level == LogLevel::error  ? "error"
                                                   : level == LogLevel::warn ? "warn"
                                                   : level == LogLevel::debug ? "debug" : "info", message));
    inner_.on_log(who, level, message);
  }
  void on_progress(const Invocation& who, std::uint64_t done, std::uint64_t total, std::string_view unit) override {
    inner_.on_progress(who, done, total, unit);
  }
  void on_step(const std::string& step_id, const std::string& state, const std::string& message,
               std::optional<double> seconds) override {
    write(fmt::format("[{}] {}{}{}", step_id, state, message.empty() ? "" : ": ", message));
    inner_.on_step(step_id, state, message, seconds);
  }
  void on_note(std::string_view message) override {
    write(std::string(message));
    inner_.on_note(message);
  }

 private:
  void write(const std::string& line) {
    std::lock_guard lock(mu_);
    out_ << iso(std::chrono::system_clock::now()) << ' ' << line << '\n';
    out_.flush();
  }
  EngineObserver& inner_;
  std::mutex mu_;
  std::ofstream out_;
};

}  // namespace

struct Engine::Impl {
  const Manifest& manifest;
  const ComponentRegistry& registry;
  Journal& journal;
  fs::path state_dir;
  EngineObserver& observer;
  Approver& approver;
  std::atomic<bool> interrupted{false};
  CancellationToken run_token;
  RunScope* scope = nullptr;
  std::mutex mu;

  RunResult run(const RunOptions& options);
  void run_stages(EngineRun& er, const PipelineDef& p, RunResult& result, std::vector<const StepDef*>& done_steps);
  void rollback(EngineRun& er, const std::vector<const StepDef*>& done_steps);
};

Engine::Engine(const Manifest& manifest, const ComponentRegistry& registry, Journal& journal, fs::path state_dir,
               EngineObserver& observer, Approver& approver)
    : impl_(new Impl{manifest, registry, journal, std::move(state_dir), observer, approver}) {}

Engine::~Engine() = default;

RunResult Engine::run(const RunOptions& options) { return impl_->run(options); }

void Engine::interrupt(const std::string& reason) {
  impl_->interrupted = true;
  impl_->run_token.cancel(reason);
}

void Engine::hard_stop() {
  interrupt("stopped hard");
  std::lock_guard lock(impl_->mu);
  if (impl_->scope) impl_->scope->signal_children(SIGKILL);
}

RunResult Engine::Impl::run(const RunOptions& options) {
  RunResult result;
  const PipelineDef* pipeline = manifest.pipeline(options.pipeline);
  if (!pipeline) throw ConfigError(manifest.unknown_pipeline_message(options.pipeline));
  std::string manifest_path = fs::absolute(manifest.file).lexically_normal().string();
  std::string lock_key = manifest_path + "|" + options.pipeline + "|" + manifest.environment;
  bool resuming = !options.resume_run_id.empty();

  RunRecord run;
  if (resuming) {
    auto found = journal.find_run(options.resume_run_id);
    if (!found) throw ConfigError(fmt::format("no run '{}' in the journal (see `drkit runs`)", options.resume_run_id));
    run = *found;
    if (run.status == RunStatus::succeeded)
      throw ConfigError(fmt::format("run {} already succeeded: nothing to resume", run.id));
    if (run.lock_key != lock_key)
      throw ConfigError(fmt::format("run {} is pipeline '{}' of {} (env '{}'): resume it with the same --manifest and --env",
                                    run.id, run.pipeline, run.manifest_path, run.environment));
    if (run.manifest_hash != manifest.hash && !options.accept_manifest_change) {
      throw ConfigError(fmt::format(
          "the manifest changed since run {} started ({}); check the change, then resume with --accept-manifest-change",
          run.id, changed_steps(run.manifest_text, manifest.text, run.pipeline)));
    }
  } else {
    run.id = new_run_id();
  }

  LockHolder me{run.id, static_cast<int>(::getpid()), host_name(), iso(std::chrono::system_clock::now())};
  LockHolder holder;
  auto lock = RunLock::try_acquire(state_dir, lock_key, me, &holder);
  if (!lock) {
    result.exit_code = 5;
    result.status = RunStatus::running;
    result.run_id = holder.run_id;
    result.message = fmt::format("locked: run {} (pid {} on {}, started {}) is running pipeline '{}' of this manifest",
                                 holder.run_id, holder.pid, holder.host, holder.started_at, options.pipeline);
    return result;
  }
  if (auto active = journal.active_run(lock_key); active && active->id != run.id) {
    result.exit_code = 5;
    result.status = RunStatus::running;
    result.run_id = active->id;
    result.message = fmt::format(
        "run {} (pid {} on {}, started {}) did not finish and its process is gone; continue it with "
        "`drkit resume {}` (drkit never takes over a run silently)",
        active->id, active->pid, active->host, iso(active->started_at), active->id);
    return result;
  }

  RunScope scope;
  {
    std::lock_guard l(mu);
    this->scope = &scope;
  }
  struct ScopeReset {
    Impl& impl;
    ~ScopeReset() {
      std::lock_guard l(impl.mu);
      impl.scope = nullptr;
    }
  } scope_reset{*this};
  // Run logs hold step output: owner-only, like the journal.
  fs::path log_file = state_dir / "logs" / (run.id + ".log");
  ensure_private_subdirectory(log_file.parent_path());
  ensure_private_file(log_file);
  LoggingObserver logged(observer, log_file);
  scope.set_observer(&logged);
  RunEnvironment env(manifest, registry, scope, {run.id, options.pipeline, manifest.environment}, options.dry_run);

  if (resuming) {
    journal.take_over_run(run.id, static_cast<int>(::getpid()), host_name(), manifest.hash, manifest.text);
  } else {
    run.manifest_path = manifest_path;
    run.manifest_hash = manifest.hash;
    run.manifest_text = manifest.text;
    run.pipeline = options.pipeline;
    run.environment = manifest.environment;
    run.lock_key = lock_key;
    run.status = RunStatus::running;
    run.started_at = std::chrono::system_clock::now();
    run.pid = static_cast<int>(::getpid());
    run.host = host_name();
    run.user = operator_identity();
    run.rto_target = pipeline->rto_target;
    run.dry_run = options.dry_run;
    journal.create_run(run);
  }
  result.run_id = run.id;

  EventDispatcher events(env, &journal, manifest.notifiers);
  EngineRun er(manifest, *pipeline, journal, env, events, logged, approver, options, run, interrupted, run_token);
  auto previous = resuming ? journal.attempts(run.id) : std::vector<AttemptRecord>{};
  er.restore(previous);

  auto started = er.event("run.started", "", "running",
                          resuming ? fmt::format("resumed by {}", operator_identity())
                                   : fmt::format("started by {}", run.user));
  if (pipeline->rto_target) started.data["rto_target"] = format_duration(*pipeline->rto_target);
  events.publish(std::move(started));
  if (resuming) {
    std::size_t done = 0;
    for (const auto* s : pipeline->steps()) done += er.finished_before(s->id) ? 1 : 0;
    logged.on_note(fmt::format("resuming run {}: {} of {} steps already finished", run.id, done, pipeline->steps().size()));
  }

  // Guards run once: a resumed run that already passed them does not check them again
  // (the estate is expected to have changed by the run's own steps).
  bool guards_passed = false;
  for (const auto& a : previous) guards_passed = guards_passed || a.kind == "step";
  RunStatus final_status = RunStatus::succeeded;
  std::string final_error;
  if (!guards_passed) {
    for (const auto& g : pipeline->guards) {
      AttemptRecord a{0, run.id, g.id, "guard", g.probe, 1, StepStatus::running, std::chrono::system_clock::now()};
      auto aid = journal.start_attempt(a);
      auto r = check_probe(env, g, g.id, run_token, options.dry_run);
      if (r.holds) {
        journal.finish_attempt(aid, StepStatus::succeeded, {{"value", r.value}}, r.message, "", false, std::chrono::system_clock::now());
        logged.on_step(g.id, "guard ok", r.message, std::nullopt);
        continue;
      }
      std::string why = g.reason.empty() ? r.message : fmt::format("{} ({})", g.reason, r.message);
      if (options.force_guards.count(g.id)) {
        journal.finish_attempt(aid, StepStatus::warning, {{"value", r.value}}, why, "guard.forced", false, std::chrono::system_clock::now());
        journal.record_guard_override({run.id, g.id, operator_identity(), why, std::chrono::system_clock::now()});
        logged.on_step(g.id, "guard overridden", why + " (--force)", std::nullopt);
        events.publish(er.event("guard.failed", g.id, "overridden", why + " (overridden with --force)"));
        continue;
      }
      journal.finish_attempt(aid, StepStatus::failed, {{"value", r.value}}, why, "guard", false, std::chrono::system_clock::now());
      events.publish(er.event("guard.failed", g.id, "refused", why));
      logged.on_step(g.id, "guard refused", why, std::nullopt);
      final_status = RunStatus::refused;
      final_error = fmt::format("guard '{}' refused the run: {} (override with --force {} only if you are sure)", g.id, why, g.id);
      result.exit_code = 3;
      break;
    }
  }

  std::vector<const StepDef*> done_steps;
  if (final_status == RunStatus::succeeded) {
    run_stages(er, *pipeline, result, done_steps);
    final_status = result.status;
    final_error = result.message;
  }
  if (interrupted && final_status != RunStatus::refused) {
    final_status = RunStatus::interrupted;
    final_error = fmt::format("interrupted ({}); continue with `drkit resume {}`", run_token.reason(), run.id);
  }
  result.status = final_status;
  result.message = final_error;
  switch (final_status) {
    case RunStatus::succeeded: result.exit_code = 0; break;
    case RunStatus::refused: result.exit_code = 3; break;
    case RunStatus::interrupted: result.exit_code = 4; break;
    default: result.exit_code = 1;
  }
  auto finished_at = std::chrono::system_clock::now();
  journal.update_run_status(run.id, final_status, scope.redactor().redact(final_error), finished_at);
  auto fin = er.event("run.finished", "", to_string(final_status), final_error);
  fin.duration_seconds = std::chrono::duration<double>(finished_at - run.started_at).count();
  if (pipeline->rto_target) {
    fin.data["rto_target"] = format_duration(*pipeline->rto_target);
    fin.data["rto_met"] = *fin.duration_seconds <= std::chrono::duration<double>(*pipeline->rto_target).count();
  }
  events.publish(std::move(fin));
  result.notifications_abandoned = !events.finish(options.notify_deadline);
  for (const auto& f : events.failures()) logged.on_note("notification failed: " + f);
  scope.clear_shared();
  return result;
}

void Engine::Impl::run_stages(EngineRun& er, const PipelineDef& p, RunResult& result,
                              std::vector<const StepDef*>& done_steps) {
  result.status = RunStatus::succeeded;
  bool failed_continue = false;
  for (const auto& stage : p.stages) {
    if (interrupted) break;
    std::vector<std::pair<const StepDef*, StepOutcome>> outcomes;
    if (!stage.parallel || stage.steps.size() == 1) {
      for (const auto& s : stage.steps) outcomes.emplace_back(&s, er.execute(s, "step"));
    } else {
      // Workers take the next step index; fail_fast cancels the rest of the stage.
      std::mutex omu;
      std::atomic<std::size_t> next{0};
      std::atomic<bool> stage_failed{false};
      std::size_t workers = stage.max_parallel > 0 ? std::min<std::size_t>(stage.max_parallel, stage.steps.size())
                                                   : stage.steps.size();
      std::vector<std::thread> threads;
      for (std::size_t w = 0; w < workers; ++w) {
        threads.emplace_back([&] {
          while (true) {
            std::size_t i = next++;
            if (i >= stage.steps.size()) return;
            const auto& s = stage.steps[i];
            StepOutcome o;
            if (stage.fail_fast && stage_failed && !er.finished_before(s.id)) {
              o = {StepStatus::failed, "not started: another step of the parallel stage failed"};
            } else {
              o = er.execute(s, "step");
            }
            if (o.status == StepStatus::failed && s.on_failure != OnFailure::continue_) stage_failed = true;
            std::lock_guard lock(omu);
            outcomes.emplace_back(&s, o);
          }
        });
      }
      for (auto& t : threads) t.join();
    }
    const StepDef* failed = nullptr;
    std::string error;
    for (const auto& [s, o] : outcomes) {
      if (o.status == StepStatus::succeeded || o.status == StepStatus::warning || o.status == StepStatus::skipped) {
        done_steps.push_back(s);
      } else if (o.status == StepStatus::failed) {
        if (s->on_failure == OnFailure::continue_) {
          failed_continue = true;
          error = fmt::format("step '{}' failed (on_failure: continue): {}", s->id, o.error);
          result.message = error;
        } else if (!failed) {
          failed = s;
          error = fmt::format("step '{}' failed: {}", s->id, o.error);
        }
      }
    }
    if (interrupted) break;
    if (failed) {
      result.status = RunStatus::failed;
      result.message = error;
      if (failed->on_failure == OnFailure::rollback) {
        done_steps.push_back(failed);  // its own compensation undoes what it did halfway
        rollback(er, done_steps);
        result.status = RunStatus::rolled_back;
        result.message = error + "; rolled back";
      }
      return;
    }
  }
  if (failed_continue && result.status == RunStatus::succeeded) result.status = RunStatus::failed;
}

void Engine::Impl::rollback(EngineRun& er, const std::vector<const StepDef*>& done_steps) {
  observer.on_note("rolling back: running compensations in reverse order");
  for (auto it = done_steps.rbegin(); it != done_steps.rend(); ++it) {
    const auto& list = (*it)->compensate;
    for (auto c = list.rbegin(); c != list.rend(); ++c) {
      if (interrupted) return;
      auto o = er.execute(*c, "compensate");
      if (o.status == StepStatus::failed)
        observer.on_note(fmt::format("compensation '{}' failed: {}; continuing the rollback", c->id, o.error));
    }
  }
}

}  // namespace drkit
