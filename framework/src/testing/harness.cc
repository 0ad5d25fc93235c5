#include "drkit/testing.hpp"

#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "component_params.h"
#include "component_registry.h"
#include "drkit/errors.hpp"
#include "invocation_context.h"
#include "plugin_loader.h"
#include "run_scope.h"
#include "spellcheck.h"

namespace drkit::testing {

// The members are declared in destruction-safe order: the scope (holding plugin-made
// objects) dies before the loader unloads the plugins.
struct Harness::Impl : RunObserver {
  ComponentRegistry registry;
  PluginLoader loader{registry};
  std::unique_ptr<RunScope> scope = std::make_unique<RunScope>(this);
  ResourceTable resources;
  bool dry_run = false;
  std::chrono::milliseconds cancel_delay{-1};
  mutable std::mutex mu;
  std::vector<LogLine> log;
  std::vector<ProgressUpdate> progress;

  void on_log(const Invocation&, LogLevel level, std::string_view message) override {
    std::lock_guard lock(mu);
    log.push_back({level, std::string(message)});
  }
  void on_progress(const Invocation&, std::uint64_t done, std::uint64_t total,
                   std::string_view unit) override {
    std::lock_guard lock(mu);
    progress.push_back({done, total, std::string(unit)});
  }

  const ComponentEntry& find(std::string_view name, ComponentKind kind) {
    if (const auto* e = registry.find(name, kind)) return *e;
    throw ConfigError(fmt::format("no {} named '{}' is loaded{}", to_string(kind), name,
                                  did_you_mean(name, registry.names(kind))));
  }

  // Calls `body` with a context; honours cancel_after().
  template <class F>
  auto invoke(const ComponentEntry& entry, const boost::json::object& with,
              const std::string& step_id, F&& body) {
    Params params = make_params(entry.spec, with, step_id + ".with", resources, scope->redactor());
    CancellationToken token;
    std::jthread canceller;
    if (cancel_delay.count() >= 0) {
      auto delay = cancel_delay;
      cancel_delay = std::chrono::milliseconds(-1);
      canceller = std::jthread([&token, delay](std::stop_token st) {
        auto until = std::chrono::steady_clock::now() + delay;
        while (!st.stop_requested() && std::chrono::steady_clock::now() < until)
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (!st.stop_requested()) token.cancel("cancelled by the test harness");
      });
    }
    Invocation inv{"test-run", "test", "", step_id, 1};
    InvocationContext ctx(*scope, std::move(params), inv, token, dry_run);
    return body(ctx, ctx.params());
  }
};

Harness::Harness(std::vector<std::filesystem::path> plugin_dirs, bool allow_insecure)
    : impl_(std::make_unique<Impl>()) {
  auto problems = impl_->loader.load({std::move(plugin_dirs), allow_insecure});
  if (!problems.empty()) throw ValidationFailed(problems);
  impl_->registry.freeze();
}

Harness::~Harness() { impl_->scope.reset(); }

void Harness::add_resource(const std::string& name, const std::string& type,
                           boost::json::object with) {
  impl_->resources[name] =
      make_resource(impl_->registry, name, type, with, "resources." + name, impl_->scope->redactor());
}

Plan Harness::plan(std::string_view step, boost::json::object with) {
  const auto& e = impl_->find(step, ComponentKind::step);
  return impl_->invoke(e, with, "step", [&](InvocationContext& ctx, const Params& p) {
    return e.make_step(p)->plan(ctx);
  });
}

boost::json::object Harness::run(std::string_view step, boost::json::object with,
                                 const std::string& step_id) {
  const auto& e = impl_->find(step, ComponentKind::step);
  if (impl_->dry_run && e.spec.effect == Effect::mutating)
    throw ConfigError(fmt::format("dry run: {} is mutating and was not run", e.name));
  auto out = impl_->invoke(e, with, step_id, [&](InvocationContext& ctx, const Params& p) {
    return e.make_step(p)->run(ctx);
  });
  impl_->scope->set_outputs(step_id, out);
  return out;
}

ProbeResult Harness::check(std::string_view probe, boost::json::object with) {
  const auto& e = impl_->find(probe, ComponentKind::probe);
  return impl_->invoke(e, with, "probe", [&](InvocationContext& ctx, const Params& p) {
    return e.make_probe(p)->check(ctx);
  });
}

void Harness::notify(std::string_view notifier, boost::json::object with, const Event& event) {
  const auto& e = impl_->find(notifier, ComponentKind::notifier);
  impl_->invoke(e, with, "notifier", [&](InvocationContext& ctx, const Params& p) {
    e.make_notifier(p)->notify(event, ctx);
    return 0;
  });
}

void Harness::set_dry_run(bool dry_run) { impl_->dry_run = dry_run; }
void Harness::cancel_after(std::chrono::milliseconds delay) { impl_->cancel_delay = delay; }

const std::vector<LogLine>& Harness::log() const { return impl_->log; }
const std::vector<ProgressUpdate>& Harness::progress() const { return impl_->progress; }

std::string Harness::log_text() const {
  std::lock_guard lock(impl_->mu);
  std::string out;
  for (const auto& l : impl_->log) out += l.message + "\n";
  return out;
}

std::vector<pid_t> Harness::live_children() const {
  auto s = impl_->scope->children();
  return {s.begin(), s.end()};
}

void Harness::reset() {
  impl_->scope = std::make_unique<RunScope>(impl_.get());
  std::lock_guard lock(impl_->mu);
  impl_->log.clear();
  impl_->progress.clear();
}

}  // namespace drkit::testing
