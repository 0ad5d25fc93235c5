// The log a component writes to. Lines go to the terminal, the run's log file and the
// journal, after secret redaction, tagged with the run and step.
//
// Thread-safety: a component may log from several threads.
#pragma once

#include <string_view>

#include "drkit/export.hpp"

namespace drkit {

enum class LogLevel { debug, info, warn, error };

class DRKIT_API Log {
 public:
  virtual ~Log();
  virtual void write(LogLevel level, std::string_view message) = 0;

  void debug(std::string_view m) { write(LogLevel::debug, m); }
  void info(std::string_view m) { write(LogLevel::info, m); }
  void warn(std::string_view m) { write(LogLevel::warn, m); }
  void error(std::string_view m) { write(LogLevel::error, m); }
};

}  // namespace drkit
