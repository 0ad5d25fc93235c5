#include "run_scope.h"

#include <signal.h>

namespace drkit {

RunScope::~RunScope() { clear_shared(); }

std::shared_ptr<void> RunScope::shared(const std::string& key,
                                       const std::function<std::shared_ptr<void>()>& make) {
  // Made under the lock so two parallel steps never open two connections for one key.
  std::lock_guard lock(mu_);
  auto it = shared_.find(key);
  if (it != shared_.end()) return it->second;
  auto value = make();
  shared_[key] = value;
  return value;
}

void RunScope::forget_shared(const std::string& key) {
  std::shared_ptr<void> doomed;  // destroyed outside the lock
  std::lock_guard lock(mu_);
  if (auto it = shared_.find(key); it != shared_.end()) {
    doomed = std::move(it->second);
    shared_.erase(it);
  }
}

void RunScope::clear_shared() {
  std::map<std::string, std::shared_ptr<void>> doomed;
  {
    std::lock_guard lock(mu_);
    doomed.swap(shared_);
  }
}

void RunScope::set_outputs(const std::string& step_id, boost::json::object outputs) {
  std::lock_guard lock(mu_);
  outputs_[step_id] = std::make_unique<boost::json::object>(std::move(outputs));
}

const boost::json::object* RunScope::outputs(std::string_view step_id) const {
  std::lock_guard lock(mu_);
  auto it = outputs_.find(step_id);
  return it == outputs_.end() ? nullptr : it->second.get();
}

std::map<std::string, boost::json::object> RunScope::all_outputs() const {
  std::lock_guard lock(mu_);
  std::map<std::string, boost::json::object> out;
  for (const auto& [k, v] : outputs_) out[k] = *v;
  return out;
}

void RunScope::child_started(pid_t pid) {
  std::lock_guard lock(mu_);
  children_.insert(pid);
}

void RunScope::child_finished(pid_t pid) {
  std::lock_guard lock(mu_);
  children_.erase(pid);
}

std::set<pid_t> RunScope::children() const {
  std::lock_guard lock(mu_);
  return children_;
}

void RunScope::signal_children(int signal) {
  for (pid_t pid : children()) ::kill(-pid, signal);
}

}  // namespace drkit
