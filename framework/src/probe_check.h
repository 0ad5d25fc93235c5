// Running a ProbeUse (guard, verify, when, wait_until) and deciding whether it holds.
#pragma once

#include <string>

#include "drkit/cancellation.hpp"
#include "manifest.h"
#include "run_environment.h"

namespace drkit {

struct ProbeOutcome {
  bool holds = false;
  boost::json::value value = nullptr;
  std::string message;  // redacted; says what was expected when it does not hold
};

// With `expect`, holds when the probe's value equals it (strings compared case-insensitively,
// so "online" matches "ONLINE"); otherwise when the probe reports ok. An exception from
// the probe means "could not check": does not hold, with the exception's message.
ProbeOutcome check_probe(const RunEnvironment& env, const ProbeUse& use, const std::string& step_id,
                         const CancellationToken& cancellation, bool dry_run);

}  // namespace drkit
