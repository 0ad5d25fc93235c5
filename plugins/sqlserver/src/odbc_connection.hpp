// One ODBC connection to a SQL Server instance.
//
// Opened through Poco::Data::Session("ODBC", ...) (login timeout, driver manager set-up), then
// batches go to the server with SQLExecDirectW on the session's own connection handle: a
// plain SQL batch, exactly as sqlcmd and SSMS send it. Poco's Statement would SQLPrepare,
// which turns BACKUP/RESTORE/ALTER DATABASE into sp_prepexec RPCs that the server treats
// differently (and that some statements refuse).
//
// Thread-safety: execute() may be called from several threads; calls are serialized.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "odbc_diagnostics.hpp"
#include "sql_error.hpp"

namespace Poco::Data {
class Session;
}

namespace drkit {
class CancellationToken;
}

namespace drkit::sqlserver {

class StatementCanceller;

struct ResultSet {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;

  // Index of `column` (case-insensitive); throws std::out_of_range naming it when absent.
  std::size_t index(std::string_view column) const;
  // The value of `column` in row `row`; nullopt for NULL.
  const std::optional<std::string>& at(std::size_t row, std::string_view column) const;
  std::string text(std::size_t row, std::string_view column, std::string_view if_null = "") const;
};

struct BatchResult {
  std::vector<ResultSet> result_sets;
  std::vector<Diagnostic> messages;  // INFO and PRINT messages, in order
};

struct ConnectionOptions {
  std::string connection_string;  // complete, credentials included: never logged
  std::chrono::seconds login_timeout{15};
  std::chrono::seconds statement_timeout{0};  // 0: no limit
  std::vector<std::string> secrets;           // removed from every error text
};

class Connection {
 public:
  // Connects and logs in. Throws SqlError (link failure, login failed 18456, timeout).
  explicit Connection(const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one batch and reads every result. `on_message` sees each INFO/PRINT message as it
  // arrives (RESTORE progress). Throws SqlError when the server reports an error; the
  // connection is then marked broken() if the error was a link failure. When `cancel` is
  // given and fires while the batch runs, the batch is cancelled (SQLCancel: the driver sends
  // ATTENTION) and SqlError HY008 is thrown; the connection stays usable.
  BatchResult execute(std::string_view batch,
                      const std::function<void(const Diagnostic&)>& on_message = {},
                      const CancellationToken* cancel = nullptr);

  // Seconds spent inside the driver (waiting for the server) since construction: for bench.
  double driver_seconds() const { return driver_seconds_; }
  bool broken() const { return broken_; }

 private:
  std::string scrub(std::string text) const;

  std::mutex mu_;
  std::unique_ptr<Poco::Data::Session> session_;
  std::unique_ptr<StatementCanceller> canceller_;  // one watcher thread per connection
  std::chrono::seconds statement_timeout_;
  std::vector<std::string> secrets_;
  DiagnosticDialect dialect_ = DiagnosticDialect::sql_server;  // how the driver reports class and state
  bool broken_ = false;
  double driver_seconds_ = 0;
};

}  // namespace drkit::sqlserver
