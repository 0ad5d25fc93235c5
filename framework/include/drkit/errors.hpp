// The exceptions that cross the plugin boundary.
//
// Steps, probes and notifiers report failure by throwing. The engine catches in one place
// (the step runner) and turns any exception into a journaled outcome; only StepError carries
// a retry decision. Plugins translate their library's errors at the call site, e.g. an ODBC
// SQLSTATE 08S01 (link failure) becomes StepError(..., Retryable::yes).
#pragma once

#include <stdexcept>
#include <string>

#include "drkit/export.hpp"

namespace drkit {

enum class Retryable { no, yes };

// A step or probe failed. `retryable` says whether running the same step again may succeed
// (a dropped connection, a lock timeout) as opposed to a permanent fault (a missing file,
// a log chain gap). The engine retries only retryable errors, and only when the step's
// `retry` policy allows. `code` is an optional machine-readable reason ("sql.4305",
// "share.unreachable") that reports and tests can match on.
class DRKIT_API StepError : public std::runtime_error {
 public:
  explicit StepError(const std::string& message, Retryable retryable = Retryable::no,
                     std::string code = {});
  ~StepError() override;

  bool retryable() const noexcept { return retryable_ == Retryable::yes; }
  const std::string& code() const noexcept { return code_; }

 private:
  Retryable retryable_;
  std::string code_;
};

// Invalid configuration: a parameter of the wrong type, a resource of the wrong kind.
// Normally caught by validation before a run; thrown when a value only known at run time
// (a `${steps...}` template) turns out to be wrong.
class DRKIT_API ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message);
  ~ConfigError() override;
};

// The step noticed the run's cancellation token and stopped early. Thrown by
// CancellationToken::throw_if_cancelled(); the engine records the step as interrupted.
class DRKIT_API Cancelled : public std::runtime_error {
 public:
  Cancelled();
  ~Cancelled() override;
};

}  // namespace drkit
