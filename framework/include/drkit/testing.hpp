// drkit::testing::Harness: run one component of a real, loaded plugin without a manifest.
//
// The harness loads plugins through the same loader as `drkit` (Boost.DLL, ABI and
// permission checks), validates parameters against the component's spec exactly as the
// manifest validator does, and captures log lines, progress and events. Use it in a plugin's
// GoogleTest tests:
//
//   drkit::testing::Harness h({DRKIT_PLUGIN_DIR});
//   h.add_resource("share", "storage-share.folder", {{"path", "/tmp/x"}});
//   auto out = h.run("storage-share.copy_backups", {{"source", "/tmp/a"}, ...});
//   EXPECT_EQ(out.at("copied").as_int64(), 3);
//
// Calls share one run: a per-run cache (Context::shared) and step outputs persist across
// calls until reset(). Invalid parameters throw drkit::ConfigError with the validator's text.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "drkit/component.hpp"
#include "drkit/export.hpp"

namespace drkit::testing {

struct LogLine {
  LogLevel level;
  std::string message;
};

struct ProgressUpdate {
  std::uint64_t done;
  std::uint64_t total;
  std::string unit;
};

class DRKIT_API Harness {
 public:
  // Loads every drkit-*.so in `plugin_dirs`. Permission checks are relaxed only if
  // `allow_insecure` (test trees are often group-writable).
  explicit Harness(std::vector<std::filesystem::path> plugin_dirs, bool allow_insecure = true);
  ~Harness();
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  // Declares a resource, validated against its type's spec.
  void add_resource(const std::string& name, const std::string& type, boost::json::object with);

  // Plans a step (no side effects).
  Plan plan(std::string_view step, boost::json::object with);
  // Runs a step and records its outputs under `step_id` for later ${steps...} lookups.
  boost::json::object run(std::string_view step, boost::json::object with,
                          const std::string& step_id = "step");
  ProbeResult check(std::string_view probe, boost::json::object with);
  void notify(std::string_view notifier, boost::json::object with, const Event& event);

  // Runs in dry-run mode from now on (run() of a mutating step then throws ConfigError).
  void set_dry_run(bool dry_run);
  // Cancels the next invocation after `delay` (0 = at once).
  void cancel_after(std::chrono::milliseconds delay);

  const std::vector<LogLine>& log() const;
  const std::vector<ProgressUpdate>& progress() const;
  // Log lines joined by '\n', for EXPECT_THAT(..., HasSubstr(...)).
  std::string log_text() const;
  // Children started through run_process and still tracked (should be empty after a call).
  std::vector<pid_t> live_children() const;

  // Drops the per-run cache, step outputs, log and progress.
  void reset();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace drkit::testing
