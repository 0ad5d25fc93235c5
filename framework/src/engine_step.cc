// One step's life cycle: when -> gate -> attempts (timeout, retry) -> verify -> wait_until.
#include <signal.h>
#include <unistd.h>

#include <condition_variable>
#include <thread>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "engine_run.h"
#include "probe_check.h"

namespace drkit {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool truthy(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return false;
    case json::kind::bool_: return v.get_bool();
    case json::kind::int64: return v.get_int64() != 0;
    case json::kind::uint64: return v.get_uint64() != 0;
    case json::kind::double_: return v.get_double() != 0;
    case json::kind::string: {
      std::string_view s = v.get_string();
      return !(s.empty() || s == "false" || s == "0" || s == "no");
    }
    default: return true;
  }
}
}  // namespace

EngineRun::EngineRun(const Manifest& manifest, const PipelineDef& pipeline, Journal& journal, RunEnvironment& env,
                     EventDispatcher& events, EngineObserver& observer, Approver& approver, const RunOptions& options,
                     const RunRecord& run, std::atomic<bool>& interrupted, CancellationToken& run_token)
    : manifest_(manifest), pipeline_(pipeline), journal_(journal), env_(env), events_(events), observer_(observer),
      approver_(approver), options_(options), run_(run), interrupted_(interrupted), run_token_(run_token) {}

Event EngineRun::event(std::string type, const std::string& step_id, std::string status, std::string message) const {
  Event e;
  e.type = std::move(type);
  e.run_id = run_.id;
  e.pipeline = run_.pipeline;
  e.environment = run_.environment;
  e.step_id = step_id;
  e.status = std::move(status);
  e.message = env_.scope().redactor().redact(message);
  return e;
}

void EngineRun::restore(const std::vector<AttemptRecord>& attempts) {
  std::lock_guard lock(mu_);
  for (const auto& a : attempts) {
    if (a.kind == "step" || a.kind == "compensate") attempts_so_far_[a.step_id] = std::max(attempts_so_far_[a.step_id], a.attempt);
    if (a.kind != "step") continue;
    if (a.status == StepStatus::succeeded || a.status == StepStatus::skipped || a.status == StepStatus::warning) {
      finished_[a.step_id] = a.status;
      if (a.status == StepStatus::succeeded) env_.scope().set_outputs(a.step_id, a.outputs);
    } else {
      finished_.erase(a.step_id);  // a later attempt that failed or was interrupted
    }
  }
  for (const auto& ap : journal_.approvals(run_.id))
    if (ap.approved) approved_before_.insert(ap.step_id);
}

bool EngineRun::finished_before(const std::string& step_id) const {
  std::lock_guard lock(mu_);
  return finished_.count(step_id) > 0;
}

void EngineRun::finish(std::int64_t attempt_id, StepStatus status, const json::object& outputs,
                       const std::string& error, const std::string& code, bool retryable) {
  auto& redactor = env_.scope().redactor();
  journal_.finish_attempt(attempt_id, status, redactor.redact_json(json::value(outputs)).as_object(),
                          redactor.redact(error), code, retryable, std::chrono::system_clock::now());
}

std::optional<std::string> EngineRun::skip_reason(const StepDef& step) {
  if (step.when_value) {
    auto v = env_.resolve(*step.when_value, step.path + ".when");
    if (!truthy(v)) return fmt::format("'when' is {}", json::serialize(v));
  }
  if (step.when_probe) {
    auto r = check_probe(env_, *step.when_probe, step.id, run_token_, options_.dry_run);
    if (!r.holds) return "'when' probe does not hold: " + r.message;
  }
  return std::nullopt;
}

bool EngineRun::gate(const StepDef& step) {
  std::string text = step.confirm;
  if (text.empty() && step.uses == "core.confirm") {
    auto msg = env_.resolve(step.with.contains("message") ? step.with.at("message") : json::value(""), step.path);
    text = msg.is_string() ? std::string(msg.get_string()) : json::serialize(msg);
  }
  if (text.empty() || options_.dry_run) return true;
  {
    std::lock_guard lock(mu_);
    if (approved_before_.count(step.id)) return true;
  }
  events_.publish(event("gate.waiting", step.id, "waiting", text));
  Approval a;
  {
    std::lock_guard lock(approver_mu_);
    a = approver_.ask(step.id, text);
  }
  journal_.record_approval({run_.id, step.id, text, a.approver, a.method, a.approved, std::chrono::system_clock::now()});
  if (a.approved) {
    events_.publish(event("gate.approved", step.id, "approved", fmt::format("approved by {} ({})", a.approver, a.method)));
    observer_.on_step(step.id, "approved", fmt::format("approved by {} ({})", a.approver, a.method), std::nullopt);
  }
  return a.approved;
}

StepOutcome EngineRun::execute(const StepDef& step, const std::string& kind) {
  if (kind == "step" && finished_before(step.id)) {
    observer_.on_step(step.id, "skipped", "finished before the interruption", std::nullopt);
    std::lock_guard lock(mu_);
    return {finished_[step.id], ""};
  }
  if (interrupted_) return {StepStatus::interrupted, "interrupted"};
  const auto& entry = env_.entry(step.uses, ComponentKind::step);
  try {
    if (auto why = skip_reason(step)) {
      why = env_.scope().redactor().redact(*why);
      AttemptRecord a{0, run_.id, step.id, kind, step.uses, 1, StepStatus::skipped, std::chrono::system_clock::now()};
      auto id = journal_.start_attempt(a);
      finish(id, StepStatus::skipped, {}, *why, "when", false);
      events_.publish(event("step.skipped", step.id, "skipped", *why));
      observer_.on_step(step.id, "skipped", *why, std::nullopt);
      return {StepStatus::skipped, ""};
    }
  } catch (const std::exception& e) {
    std::string msg = fmt::format("cannot evaluate 'when': {}", e.what());
    AttemptRecord a{0, run_.id, step.id, kind, step.uses, 1, StepStatus::failed, std::chrono::system_clock::now()};
    finish(journal_.start_attempt(a), StepStatus::failed, {}, msg, "when", false);
    observer_.on_step(step.id, "failed", env_.scope().redactor().redact(msg), std::nullopt);
    return {StepStatus::failed, msg};
  }
  if (!gate(step)) {
    if (interrupted_) {
      // Ctrl-C or SIGTERM while the gate waited: nobody refused; resume asks again.
      std::string why = run_token_.cancelled() ? run_token_.reason() : std::string("interrupted");
      AttemptRecord a{0, run_.id, step.id, "gate", step.uses, 1, StepStatus::interrupted, std::chrono::system_clock::now()};
      finish(journal_.start_attempt(a), StepStatus::interrupted, {}, why, "interrupted", true);
      observer_.on_step(step.id, "interrupted", why, std::nullopt);
      return {StepStatus::interrupted, why};
    }
    std::string msg = "not approved: the gate was refused";
    AttemptRecord a{0, run_.id, step.id, "gate", step.uses, 1, StepStatus::failed, std::chrono::system_clock::now()};
    finish(journal_.start_attempt(a), StepStatus::failed, {}, msg, "gate.refused", false);
    events_.publish(event("step.failed", step.id, "failed", msg));
    observer_.on_step(step.id, "failed", msg, std::nullopt);
    return {StepStatus::failed, msg};
  }
  if (options_.dry_run && entry.spec.effect == Effect::mutating) {
    std::string summary;
    try {
      Params params = env_.params_for(entry, step.with, step.path);
      Invocation inv{run_.id, run_.pipeline, run_.environment, step.id, 1};
      InvocationContext ctx(env_.scope(), std::move(params), inv, run_token_, true);
      auto plan = entry.make_step(ctx.params())->plan(ctx);
      summary = plan.summary;
    } catch (const std::exception& e) {
      summary = fmt::format("(cannot plan: {})", e.what());
    }
    AttemptRecord a{0, run_.id, step.id, kind, step.uses, 1, StepStatus::skipped, std::chrono::system_clock::now()};
    finish(journal_.start_attempt(a), StepStatus::skipped, {}, "dry run: " + summary, "dry_run", false);
    observer_.on_step(step.id, "dry-run", "would " + env_.scope().redactor().redact(summary), std::nullopt);
    return {StepStatus::skipped, ""};
  }
  return attempt_loop(step, kind, entry);
}

StepOutcome EngineRun::attempt_loop(const StepDef& step, const std::string& kind, const ComponentEntry& entry) {
  auto& redactor = env_.scope().redactor();
  auto delay = step.retry.delay;
  std::string last_error;
  for (int n = 1; n <= step.retry.attempts; ++n) {
    int attempt;
    {
      std::lock_guard lock(mu_);
      attempt = ++attempts_so_far_[step.id];
    }
    AttemptRecord rec{0, run_.id, step.id, kind, step.uses, attempt, StepStatus::running, std::chrono::system_clock::now()};
    auto attempt_id = journal_.start_attempt(rec);  // committed before any side effect
    events_.publish(event("step.started", step.id, "running", step.description));
    observer_.on_step(step.id, "started", attempt > 1 ? fmt::format("attempt {}", attempt) : step.description, std::nullopt);
    auto start = Clock::now();

    CancellationToken token;
    std::optional<InvocationContext> ctx;
    std::atomic<bool> timed_out{false};
    std::mutex ctx_mu;
    // Watchdog: forwards the run's interruption and enforces the timeout, then kills the
    // step's children if it does not stop within the grace period.
    std::jthread watchdog([&](std::stop_token st) {
      auto deadline = step.timeout ? start + *step.timeout : Clock::time_point::max();
      Clock::time_point cancelled_at{};
      bool killed = false;
      // Polls every 10 ms, but wakes at once when the step ends: a no-op step must not
      // pay for the rest of a sleep.
      std::mutex tick_mu;
      std::condition_variable_any tick;
      std::unique_lock tick_lock(tick_mu);
      while (!st.stop_requested()) {
        auto now = Clock::now();
        if (!token.cancelled()) {
          if (now >= deadline) {
            timed_out = true;
            token.cancel(fmt::format("timed out after {}", format_duration(*step.timeout)));
            cancelled_at = now;
          } else if (run_token_.cancelled()) {
            token.cancel(run_token_.reason());
            cancelled_at = now;
          }
        } else if (!killed && now - cancelled_at >= options_.kill_grace) {
          std::lock_guard lock(ctx_mu);
          if (ctx) ctx->signal_children(SIGKILL);
          killed = true;
        }
        tick.wait_for(tick_lock, st, std::chrono::milliseconds(10), [] { return false; });
      }
    });

    json::object outputs;
    std::string error, code;
    bool retryable = false;
    bool cancelled = false;
    try {
      Params params = env_.params_for(entry, step.with, step.path);
      {
        std::lock_guard lock(ctx_mu);
        ctx.emplace(env_.scope(), std::move(params), Invocation{run_.id, run_.pipeline, run_.environment, step.id, attempt},
                    token, false);
      }
      auto component = entry.make_step(ctx->params());
      outputs = component->run(*ctx);
      if (token.cancelled()) throw Cancelled();
      if (auto problem = verify_and_wait(step, token); !problem.empty())
        throw StepError(problem, Retryable::no, "verify");
    } catch (const StepError& e) {
      error = e.what();
      code = e.code();
      retryable = e.retryable();
    } catch (const Cancelled&) {
      cancelled = true;
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (token.cancelled() && !error.empty() && !timed_out) cancelled = true;  // errors caused by cancellation
    if (timed_out) {
      cancelled = false;
      error = fmt::format("timed out after {}{}{}", format_duration(*step.timeout), error.empty() ? "" : ": ", error);
      code = "timeout";
      retryable = true;
    }
    watchdog.request_stop();
    watchdog.join();
    {
      std::lock_guard lock(ctx_mu);
      ctx.reset();
    }
    double secs = seconds_since(start);

    if (cancelled) {
      finish(attempt_id, StepStatus::interrupted, {}, token.reason(), "interrupted", true);
      events_.publish(event("step.failed", step.id, "interrupted", token.reason()));
      observer_.on_step(step.id, "interrupted", token.reason(), secs);
      return {StepStatus::interrupted, token.reason()};
    }
    if (error.empty()) {
      finish(attempt_id, StepStatus::succeeded, outputs, "", "", false);
      env_.scope().set_outputs(step.id, redactor.redact_json(json::value(outputs)).as_object());
      auto e = event("step.succeeded", step.id, "succeeded", "");
      e.duration_seconds = secs;
      events_.publish(std::move(e));
      observer_.on_step(step.id, "succeeded", "", secs);
      return {StepStatus::succeeded, ""};
    }
    last_error = redactor.redact(error);
    bool again = retryable && n < step.retry.attempts && !interrupted_;
    finish(attempt_id, StepStatus::failed, {}, last_error, code, retryable);
    if (again) {
      auto e = event("step.retrying", step.id, "retrying",
                     fmt::format("attempt {} of {} failed: {}; next try in {}", n, step.retry.attempts, last_error,
                                 format_duration(delay)));
      e.duration_seconds = secs;
      observer_.on_step(step.id, "retrying", e.message, secs);
      events_.publish(std::move(e));
      if (!run_token_.wait_for(delay)) {
        return {StepStatus::interrupted, run_token_.reason()};
      }
      delay = std::min(std::chrono::duration_cast<Duration>(delay * step.retry.backoff), step.retry.max_delay);
      continue;
    }
    StepStatus status = step.critical ? StepStatus::failed : StepStatus::warning;
    if (!step.critical) {
      // Recorded again as a warning so reports and resume see a finished step.
      AttemptRecord w{0, run_.id, step.id, kind, step.uses, attempt, StepStatus::warning, std::chrono::system_clock::now()};
      finish(journal_.start_attempt(w), StepStatus::warning, {}, last_error, code, false);
    }
    auto e = event("step.failed", step.id, step.critical ? "failed" : "warning", last_error);
    e.duration_seconds = secs;
    e.data["attempts"] = n;
    if (!code.empty()) e.data["code"] = code;
    events_.publish(std::move(e));
    observer_.on_step(step.id, step.critical ? "failed" : "warning", last_error, secs);
    return {status, last_error};
  }
  return {StepStatus::failed, last_error};
}

std::string EngineRun::verify_and_wait(const StepDef& step, const CancellationToken& token) {
  for (const auto& v : step.verify) {
    auto r = check_probe(env_, v, step.id, token, false);
    if (!r.holds) return "verify failed: " + r.message;
  }
  if (step.wait_until) {
    const auto& w = *step.wait_until;
    auto until = Clock::now() + w.timeout;
    ProbeOutcome r;
    while (true) {
      r = check_probe(env_, w.probe, step.id, token, false);
      if (r.holds) break;
      if (Clock::now() + w.interval > until)
        return fmt::format("wait_until: {} did not hold within {}: {}", w.probe.probe, format_duration(w.timeout), r.message);
      if (!token.wait_for(w.interval)) throw Cancelled();
    }
  }
  return "";
}

}  // namespace drkit
