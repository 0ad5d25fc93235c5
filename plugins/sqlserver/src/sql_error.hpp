// What the server (or the ODBC driver) said: the diagnostic records of a batch, and the error
// thrown when a batch fails. Records keep SQL Server's own number, state, class and message.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace drkit::sqlserver {

struct Diagnostic {
  std::string sqlstate;  // "01000" for INFO/PRINT, "42000", "08S01" ...
  int number = 0;        // SQL Server message number (native error): 3014, 4305, 18456
  // SQL Server's message state and class (0-10 informational, 11-16 user errors, 20+ fatal),
  // as far as the driver gives them (odbc_diagnostics.hpp): through FreeTDS the class is
  // known and the state is not; unknown is nullopt, never a made-up 0.
  std::optional<int> state;
  std::optional<int> severity;
  std::string message;   // the server's text, driver prefixes ("[FreeTDS][SQL Server]") removed

  bool is_info() const { return sqlstate.rfind("01", 0) == 0; }
  // "Msg 4305, Level 16, State 1: <text>" like sqlcmd prints it; what is unknown is left
  // out: "Msg 4305, Level 16: <text>" (FreeTDS), "Msg 4305, SQLSTATE 42000: <text>".
  std::string describe() const;
  // {number, class, state, sqlstate, message} for step outputs; unknown values are null.
  boost::json::object to_json() const;
};

// The connection to the server is gone (SQLSTATE class 08, driver link errors): the
// connection must be reopened; the statement may or may not have run.
bool is_link_failure(const Diagnostic& d);
// The statement timeout expired (HYT00).
bool is_timeout(const Diagnostic& d);

// A batch failed. `errors` holds every non-informational record in order; `primary()` is the
// first one, which names the cause (4305 before the generic 3013 "RESTORE LOG is terminating").
class SqlError : public std::runtime_error {
 public:
  SqlError(std::vector<Diagnostic> errors, std::vector<Diagnostic> infos, std::string context);

  const std::vector<Diagnostic>& errors() const { return errors_; }
  const std::vector<Diagnostic>& infos() const { return infos_; }
  const Diagnostic& primary() const { return errors_.front(); }
  bool link_failure() const;
  bool timeout() const;
  bool has_number(int number) const;

 private:
  std::vector<Diagnostic> errors_;
  std::vector<Diagnostic> infos_;
};

}  // namespace drkit::sqlserver
