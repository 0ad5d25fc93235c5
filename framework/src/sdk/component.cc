// Out-of-line destructors anchor each interface's vtable and typeinfo in libdrkit-sdk.so.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "drkit/component.hpp"
#include "drkit/context.hpp"
#include "drkit/log.hpp"
#include "drkit/registry.hpp"

namespace drkit {

Log::~Log() = default;
Context::~Context() = default;
Step::~Step() = default;
Probe::~Probe() = default;
Notifier::~Notifier() = default;
Registry::~Registry() = default;

boost::json::object Event::to_json() const {
  boost::json::object o;
  o["type"] = type;
  o["run_id"] = run_id;
  o["pipeline"] = pipeline;
  o["environment"] = environment;
  if (!step_id.empty()) o["step_id"] = step_id;
  if (!status.empty()) o["status"] = status;
  if (!message.empty()) o["message"] = message;
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(time);
  o["time"] = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", secs);
  if (duration_seconds) o["duration_seconds"] = *duration_seconds;
  if (!data.empty()) o["data"] = data;
  return o;
}

}  // namespace drkit
