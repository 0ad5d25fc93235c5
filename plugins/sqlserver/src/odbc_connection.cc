#include "odbc_connection.hpp"

#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#include <Poco/Data/DataException.h>
#include <Poco/Data/ODBC/Connector.h>
#include <Poco/Data/ODBC/SessionImpl.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <regex>
#include <stdexcept>

#include "drkit/cancellation.hpp"
#include "log_chain.hpp"
#include "odbc_diagnostics.hpp"
#include "odbc_text.hpp"

namespace drkit::sqlserver {

namespace {

// Poco's ConnectionFailedException carries the driver's diagnostics as text:
//   "SQLSTATE = 08001\nNative Error Code = 20009\n[FreeTDS][SQL Server]Unable to connect..."
std::vector<Diagnostic> parse_poco_diagnostics(const std::string& text) {
  std::vector<Diagnostic> out;
  static const std::regex record(R"(SQLSTATE = ([0-9A-Z]{5})\s*\nNative Error Code = (-?\d+)\s*\n([^\n]*))");
  for (std::sregex_iterator it(text.begin(), text.end(), record), end; it != end; ++it) {
    Diagnostic d;
    d.sqlstate = (*it)[1];
    d.number = std::stoi((*it)[2]);
    d.message = strip_driver_prefix((*it)[3]);
    out.push_back(std::move(d));
  }
  if (out.empty()) out.push_back({"08001", 0, {}, {}, strip_driver_prefix(text)});
  return out;
}

class StatementHandle {
 public:
  StatementHandle(SQLHDBC dbc, DiagnosticDialect dialect) {
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &handle_))) {
      auto diags = read_diagnostics(SQL_HANDLE_DBC, dbc, dialect);
      throw SqlError(diags.empty() ? std::vector<Diagnostic>{{"HY001", 0, {}, {}, "cannot allocate an ODBC statement"}}
                                   : diags,
                     {}, "");
    }
  }
  ~StatementHandle() {
    if (handle_) SQLFreeHandle(SQL_HANDLE_STMT, handle_);
  }
  StatementHandle(const StatementHandle&) = delete;
  StatementHandle& operator=(const StatementHandle&) = delete;
  SQLHSTMT get() const { return handle_; }

 private:
  SQLHSTMT handle_ = SQL_NULL_HSTMT;
};

class DriverClock {
 public:
  explicit DriverClock(double& total) : total_(total), start_(std::chrono::steady_clock::now()) {}
  ~DriverClock() {
    total_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  DriverClock(const DriverClock&) = delete;
  DriverClock& operator=(const DriverClock&) = delete;

 private:
  double& total_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

// Watches the run's cancellation token while a statement runs and cancels the statement when
// it fires. One thread per connection, armed per statement (a thread per statement cost ~1 ms
// each on a loaded machine: too much for 2,000 statements).
class StatementCanceller {
 public:
  StatementCanceller() : thread_([this] { loop(); }) {}
  ~StatementCanceller() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  StatementCanceller(const StatementCanceller&) = delete;
  StatementCanceller& operator=(const StatementCanceller&) = delete;

  // Watches `token` for `statement` until the Armed object is destroyed.
  class Armed {
   public:
    Armed(StatementCanceller& c, const CancellationToken* token, SQLHSTMT statement) : c_(c) {
      if (!token) return;
      {
        std::lock_guard lock(c_.mu_);
        c_.token_ = token;
        c_.statement_ = statement;
      }
      c_.cv_.notify_all();
    }
    ~Armed() {
      // Under the lock: the watcher never calls SQLCancel on a handle that is being freed.
      std::lock_guard lock(c_.mu_);
      c_.token_ = nullptr;
      c_.statement_ = SQL_NULL_HSTMT;
    }
    Armed(const Armed&) = delete;
    Armed& operator=(const Armed&) = delete;

   private:
    StatementCanceller& c_;
  };

 private:
  void loop() {
    std::unique_lock lock(mu_);
    while (!stop_) {
      if (token_ && token_->cancelled()) {
        SQLCancel(statement_);
        token_ = nullptr;  // once per statement
      }
      if (token_) cv_.wait_for(lock, std::chrono::milliseconds(50));
      else cv_.wait(lock);
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  const CancellationToken* token_ = nullptr;
  SQLHSTMT statement_ = SQL_NULL_HSTMT;
  std::thread thread_;
};

std::size_t ResultSet::index(std::string_view column) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (iequals(columns[i], column)) return i;
  throw std::out_of_range(fmt::format("the result has no column '{}'", column));
}

const std::optional<std::string>& ResultSet::at(std::size_t row, std::string_view column) const {
  return rows.at(row).at(index(column));
}

std::string ResultSet::text(std::size_t row, std::string_view column, std::string_view if_null) const {
  const auto& v = at(row, column);
  return v ? *v : std::string(if_null);
}

Connection::Connection(const ConnectionOptions& options)
    : canceller_(std::make_unique<StatementCanceller>()),
      statement_timeout_(options.statement_timeout),
      secrets_(options.secrets) {
  static std::once_flag registered;
  std::call_once(registered, [] { Poco::Data::ODBC::Connector::registerConnector(); });
  try {
    session_ = std::make_unique<Poco::Data::Session>(
        "ODBC", options.connection_string, static_cast<std::size_t>(options.login_timeout.count()));
  } catch (const Poco::Exception& e) {
    auto diags = parse_poco_diagnostics(e.displayText());
    for (auto& d : diags) d.message = scrub(d.message);
    throw SqlError(std::move(diags), {}, "cannot connect");
  }
  if (auto* impl = dynamic_cast<Poco::Data::ODBC::SessionImpl*>(session_->impl()))
    dialect_ = diagnostic_dialect(impl->dbc());
}

Connection::~Connection() {
  try {
    if (session_ && !broken_) session_->close();
  } catch (const Poco::Exception&) {
    // Closing a connection whose server is gone fails; the handle is freed either way.
  }
}

std::string Connection::scrub(std::string text) const {
  for (const auto& s : secrets_) {
    if (s.empty()) continue;
    for (auto pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos)) text.replace(pos, s.size(), "***");
  }
  return text;
}

BatchResult Connection::execute(std::string_view batch, const std::function<void(const Diagnostic&)>& on_message,
                                const CancellationToken* cancel) {
  std::lock_guard lock(mu_);
  if (broken_) throw SqlError({{"08003", 0, {}, {}, "the connection was lost; reconnect"}}, {}, "");
  auto* impl = dynamic_cast<Poco::Data::ODBC::SessionImpl*>(session_->impl());
  if (!impl) throw std::logic_error("the Poco session is not an ODBC session");
  SQLHDBC dbc = impl->dbc();
  StatementHandle stmt(dbc, dialect_);
  SQLHSTMT h = stmt.get();
  if (statement_timeout_.count() > 0)
    SQLSetStmtAttr(h, SQL_ATTR_QUERY_TIMEOUT,
                   reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(statement_timeout_.count())), 0);

  BatchResult result;
  std::vector<Diagnostic> errors;
  auto collect = [&](SQLRETURN rc) {
    if (rc != SQL_SUCCESS_WITH_INFO && rc != SQL_ERROR) return;
    for (auto& d : read_diagnostics(SQL_HANDLE_STMT, h, dialect_)) {
      d.message = scrub(std::move(d.message));
      bool error = rc == SQL_ERROR ? !d.is_info() : (d.severity.value_or(0) > 10);
      if (error) {
        errors.push_back(std::move(d));
      } else {
        if (on_message) on_message(d);
        result.messages.push_back(std::move(d));
      }
    }
  };
  auto lost = [&] {
    for (const auto& e : errors)
      if (is_link_failure(e)) return true;
    return false;
  };

  std::u16string text = to_utf16(batch);
  StatementCanceller::Armed armed(*canceller_, cancel, h);
  SQLRETURN rc;
  {
    DriverClock clock(driver_seconds_);
    rc = SQLExecDirectW(h, reinterpret_cast<SQLWCHAR*>(text.data()), static_cast<SQLINTEGER>(text.size()));
  }
  collect(rc);
  std::vector<SQLWCHAR> buffer(2048);
  for (int guard = 0; guard < 100000 && !lost(); ++guard) {
    if (rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO) {
      SQLSMALLINT ncols = 0;
      SQLNumResultCols(h, &ncols);
      if (ncols > 0) {
        ResultSet rs;
        for (SQLSMALLINT c = 1; c <= ncols; ++c) {
          SQLWCHAR name[256] = {};
          SQLSMALLINT name_len = 0;
          SQLDescribeColW(h, static_cast<SQLUSMALLINT>(c), name, 256, &name_len, nullptr, nullptr, nullptr, nullptr);
          rs.columns.push_back(to_utf8(name, std::min<std::size_t>(static_cast<std::size_t>(name_len), 255)));
        }
        for (;;) {
          SQLRETURN frc;
          {
            DriverClock clock(driver_seconds_);
            frc = SQLFetch(h);
          }
          if (frc == SQL_NO_DATA) break;
          collect(frc);
          if (!SQL_SUCCEEDED(frc)) break;
          std::vector<std::optional<std::string>> row;
          row.reserve(static_cast<std::size_t>(ncols));
          for (SQLSMALLINT c = 1; c <= ncols; ++c) {
            std::u16string value;
            bool is_null = false;
            for (;;) {
              SQLLEN indicator = 0;
              SQLRETURN grc = SQLGetData(h, static_cast<SQLUSMALLINT>(c), SQL_C_WCHAR, buffer.data(),
                                         static_cast<SQLLEN>(buffer.size() * sizeof(SQLWCHAR)), &indicator);
              if (grc == SQL_NO_DATA) break;
              if (!SQL_SUCCEEDED(grc)) {
                collect(grc);
                break;
              }
              if (indicator == SQL_NULL_DATA) {
                is_null = true;
                break;
              }
              std::size_t chunk = buffer.size() - 1;
              if (indicator != SQL_NO_TOTAL && static_cast<std::size_t>(indicator) / sizeof(SQLWCHAR) < chunk)
                chunk = static_cast<std::size_t>(indicator) / sizeof(SQLWCHAR);
              value.append(reinterpret_cast<const char16_t*>(buffer.data()), chunk);
              if (grc == SQL_SUCCESS) break;  // SQL_SUCCESS_WITH_INFO 01004: more to read
            }
            if (is_null) row.emplace_back(std::nullopt);
            else row.emplace_back(to_utf8(reinterpret_cast<const SQLWCHAR*>(value.data()), value.size()));
          }
          rs.rows.push_back(std::move(row));
        }
        result.result_sets.push_back(std::move(rs));
      }
    }
    if (lost()) break;
    {
      DriverClock clock(driver_seconds_);
      rc = SQLMoreResults(h);
    }
    if (rc == SQL_NO_DATA) break;
    collect(rc);
    if (rc == SQL_ERROR && errors.empty()) break;
  }
  if (!errors.empty()) {
    if (lost()) broken_ = true;
    throw SqlError(std::move(errors), std::move(result.messages), "");
  }
  return result;
}

}  // namespace drkit::sqlserver
