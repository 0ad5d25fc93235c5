#include "event_dispatcher.h"

#include <condition_variable>
#include <mutex>

#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "invocation_context.h"

namespace drkit {

bool event_matches(std::string_view pattern, std::string_view type) {
  // Glob with '*' only: enough for "run.*", "*.failed", "*".
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < type.size()) {
    if (p < pattern.size() && pattern[p] == type[t]) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

EventDispatcher::EventDispatcher(const RunEnvironment& env, Journal* journal, const std::vector<NotifierDef>& defs,
                                 DispatchOptions options)
    : env_(env), journal_(journal), options_(options) {
  for (const auto& d : defs) {
    const auto& entry = env_.entry(d.uses, ComponentKind::notifier);
    env_.params_for(entry, d.with, d.path);  // validate now, not at the first event
    targets_.push_back({d, &entry});
  }
  worker_ = std::thread([this] { work(); });
}

EventDispatcher::~EventDispatcher() {
  if (!finished_) finish(std::chrono::milliseconds(0));
}

void EventDispatcher::publish(Event event) {
  event.message = env_.scope().redactor().redact(event.message);
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= options_.queue_limit) {
      failures_.push_back(fmt::format("event queue full: dropped {}", queue_.front().type));
      queue_.pop_front();
    }
    queue_.push_back(std::move(event));
  }
  cv_.notify_all();
}

void EventDispatcher::work() {
  while (true) {
    Event event;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_ || queue_.empty()) return;
      event = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    if (journal_) {
      try {
        journal_->record_event({event.run_id, event.time, event.type, event.step_id,
                                env_.scope().redactor().redact_json(boost::json::value(event.to_json())).as_object()});
      } catch (const std::exception& e) {
        std::lock_guard lock(mu_);
        failures_.push_back(fmt::format("journal: cannot record event {}: {}", event.type, e.what()));
      }
    }
    for (const auto& t : targets_) {
      bool match = t.def.on.empty();
      for (const auto& p : t.def.on) match = match || event_matches(p, event.type);
      if (match) deliver(t, event);
    }
    {
      std::lock_guard lock(mu_);
      busy_ = false;
    }
    cv_.notify_all();
  }
}

void EventDispatcher::deliver(const Target& t, const Event& event) {
  auto delay = options_.retry_delay;
  std::string last_error;
  for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
    auto token = std::make_shared<CancellationToken>();
    {
      std::lock_guard lock(mu_);
      current_ = token;
    }
    // The deadline: a small timer thread cancels this delivery if it runs too long.
    std::jthread timer([token, limit = options_.delivery_timeout](std::stop_token st) {
      std::mutex m;
      std::condition_variable_any cv;
      std::unique_lock lock(m);
      // Returns early when the delivery ends (stop requested), so a quick notifier costs
      // no waiting here.
      if (!cv.wait_for(lock, st, limit, [] { return false; }) && !st.stop_requested())
        token->cancel("notifier deadline passed");
    });
    try {
      Params params = env_.params_for(*t.entry, t.def.with, t.def.path);
      Invocation inv{event.run_id, event.pipeline, event.environment, t.def.name, attempt};
      InvocationContext ctx(env_.scope(), std::move(params), inv, *token, false);
      t.entry->make_notifier(ctx.params())->notify(event, ctx);
      return;
    } catch (const std::exception& e) {
      last_error = env_.scope().redactor().redact(e.what());
      if (token->cancelled()) last_error += " (deadline " + format_duration(options_.delivery_timeout) + ")";
    }
    timer.request_stop();
    bool stopping;
    {
      std::lock_guard lock(mu_);
      stopping = stopping_;
    }
    if (attempt < options_.attempts && !stopping) {
      std::this_thread::sleep_for(delay);
      delay *= 2;
    }
  }
  std::string failure = fmt::format("{}: {} not delivered: {}", t.def.name, event.type, last_error);
  {
    std::lock_guard lock(mu_);
    failures_.push_back(failure);
  }
  if (journal_) {
    try {
      journal_->record_event({event.run_id, std::chrono::system_clock::now(), "notifier.failed", event.step_id,
                              {{"notifier", t.def.name}, {"event", event.type}, {"error", last_error}}});
    } catch (const std::exception&) {
      // The journal itself failing is reported by the engine's own writes.
    }
  }
}

bool EventDispatcher::finish(std::chrono::milliseconds deadline) {
  finished_ = true;
  std::unique_lock lock(mu_);
  bool drained = cv_.wait_for(lock, deadline, [this] { return queue_.empty() && !busy_; });
  stopping_ = true;
  if (current_) current_->cancel("run finished");
  lock.unlock();
  cv_.notify_all();
  if (!drained) {
    // Give a cancelled notifier a moment to return; past that, leave it behind.
    lock.lock();
    bool idle = cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return !busy_; });
    lock.unlock();
    if (!idle) {
      worker_.detach();
      return false;
    }
  }
  if (worker_.joinable()) worker_.join();
  return true;
}

std::vector<std::string> EventDispatcher::failures() const {
  std::lock_guard lock(mu_);
  return failures_;
}

}  // namespace drkit
