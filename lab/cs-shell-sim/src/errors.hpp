// The errors of the simulated shell, shaped like PowerShell's error records so the text
// on stderr reads like the real shell's.
#pragma once

#include <stdexcept>
#include <string>

namespace cssim {

// 1-based line and column in the script.
struct SourcePos {
  int line = 1;
  int column = 1;
};

// The script does not parse. Nothing runs (PowerShell parses the whole input first).
class ParseError : public std::runtime_error {
 public:
  ParseError(const std::string& message, SourcePos pos, std::string error_id)
      : std::runtime_error(message), pos_(pos), error_id_(std::move(error_id)) {}
  SourcePos pos() const { return pos_; }
  const std::string& error_id() const { return error_id_; }

 private:
  SourcePos pos_;
  std::string error_id_;
};

// An error record: thrown as a terminating error (caught by try/catch), or written to
// stderr as a non-terminating one when $ErrorActionPreference is not 'Stop'.
struct ErrorRecord {
  std::string message;
  std::string command;         // "Set-CsPersistentChatState", empty for script errors
  std::string category;        // "InvalidArgument", "ObjectNotFound", "InvalidOperation"
  std::string error_id;        // FullyQualifiedErrorId, e.g. "CommandNotFoundException"
  std::string exception_type;  // "System.Management.Automation.CommandNotFoundException"
  SourcePos pos = {};
  std::size_t extent = 0;  // characters to underline at `pos`; 0: the command name, or 1
};

class ScriptError : public std::runtime_error {
 public:
  explicit ScriptError(ErrorRecord record)
      : std::runtime_error(record.message), record_(std::move(record)) {}
  const ErrorRecord& record() const { return record_; }
  ErrorRecord& record() { return record_; }

 private:
  ErrorRecord record_;
};

// Thrown by a cmdlet implementation; the interpreter turns it into an ErrorRecord naming
// the cmdlet and the position of the call.
class CmdletError : public std::runtime_error {
 public:
  CmdletError(const std::string& message, std::string category, std::string error_id,
              std::string exception_type = "System.InvalidOperationException")
      : std::runtime_error(message),
        category_(std::move(category)),
        error_id_(std::move(error_id)),
        exception_type_(std::move(exception_type)) {}
  const std::string& category() const { return category_; }
  const std::string& error_id() const { return error_id_; }
  const std::string& exception_type() const { return exception_type_; }

 private:
  std::string category_;
  std::string error_id_;
  std::string exception_type_;
};

// `exit N`.
struct ExitRequest {
  int code = 0;
};

}  // namespace cssim
