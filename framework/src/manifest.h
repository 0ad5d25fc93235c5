// Manifest: a drkit.json after parsing, the --env overlay and ${var.*} resolution.
//
// Values that depend on the run (${steps...}, ${run...}) and secrets stay as template text
// here; the engine resolves them just before each component call so secrets are never
// stored in the manifest object, and outputs of earlier steps are known.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "diagnostic.h"
#include "drkit/duration.hpp"
#include "json_positions.h"

namespace drkit {

enum class OnFailure { abort, continue_, rollback };

struct RetryPolicy {
  int attempts = 1;                  // total tries, >= 1
  Duration delay{std::chrono::seconds(1)};
  double backoff = 2.0;              // delay multiplier per retry
  Duration max_delay{std::chrono::minutes(5)};
};

// A probe used as a guard, a verify check, or a wait_until condition.
struct ProbeUse {
  std::string id;         // guards: the name --force takes (defaults to the probe name)
  std::string probe;      // qualified component name
  boost::json::object with;
  std::optional<boost::json::value> expect;  // compare the probe's value; else use ok
  std::string reason;     // guards: why it must hold
  std::string path;       // JSON path, for diagnostics
};

struct WaitUntil {
  ProbeUse probe;
  Duration interval{std::chrono::seconds(5)};
  Duration timeout{std::chrono::minutes(5)};
};

struct StepDef {
  std::string id;
  std::string uses;
  boost::json::object with;
  std::string description;
  std::optional<ProbeUse> when_probe;          // run only if the probe holds
  std::optional<boost::json::value> when_value; // or if this (templated) value is truthy
  std::string confirm;                          // gate text; empty = no gate
  RetryPolicy retry;
  std::optional<Duration> timeout;
  OnFailure on_failure = OnFailure::abort;
  bool critical = true;
  std::vector<ProbeUse> verify;
  std::optional<WaitUntil> wait_until;
  std::vector<StepDef> compensate;
  std::string path;
};

struct Stage {
  std::vector<StepDef> steps;
  bool parallel = false;
  int max_parallel = 0;  // 0 = all at once
  bool fail_fast = true;
  std::string path;
};

struct PipelineDef {
  std::string name;
  std::string description;
  std::optional<Duration> rto_target;
  std::vector<ProbeUse> guards;
  std::vector<Stage> stages;
  std::string path;

  // Every step in run order (parallel stages flattened), without compensations.
  std::vector<const StepDef*> steps() const;
};

struct ResourceDef {
  std::string name;
  std::string type;
  boost::json::object with;
  std::string path;
};

struct NotifierDef {
  std::string name;  // "notify[0]" or the entry's "name"
  std::string uses;
  boost::json::object with;
  std::vector<std::string> on;  // event patterns: "run.*", "step.failed"; empty = all
  std::string path;
};

struct Manifest {
  std::filesystem::path file;
  std::string text;
  std::string hash;         // SHA-256 of the file's bytes, hex
  std::string environment;  // the --env applied, or empty
  std::string name;
  boost::json::object vars;
  std::map<std::string, ResourceDef> resources;
  std::vector<NotifierDef> notifiers;
  std::map<std::string, PipelineDef> pipelines;
  std::vector<std::filesystem::path> plugin_path;  // absolute
  JsonPositions positions;

  // Fills file/line/column of diagnostics from their JSON paths.
  void locate(Diagnostics& diagnostics) const;
  const PipelineDef* pipeline(std::string_view name) const;
  // "unknown pipeline 'x'; did you mean 'y'? (pipelines: a, b)"
  std::string unknown_pipeline_message(std::string_view name) const;
  // The plugins this manifest's components come from: the part of every qualified name
  // ("sqlserver.recover_database", resource types, probes, notifiers) before its first dot.
  std::set<std::string> plugin_names() const;
};

// Reads and parses a manifest: JSON syntax, the environment overlay, ${var.*}, structure
// and unknown keys. Throws ValidationFailed with every problem found.
Manifest load_manifest(const std::filesystem::path& file, const std::string& environment);

// The same from text (for tests and the fuzzer); `file` is only used in messages.
Manifest parse_manifest(std::string text, const std::filesystem::path& file,
                        const std::string& environment);

}  // namespace drkit
