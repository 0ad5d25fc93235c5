// Journal on SQLite through Poco::Data. One connection, serialized by a mutex; every write
// is one statement in SQLite's autocommit mode, i.e. its own committed transaction, made
// durable by WAL + synchronous=FULL before the call returns.
#include "journal.h"

#include <cstdio>
#include <mutex>
#include <stdexcept>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>
#include <Poco/Nullable.h>

#include "journal_schema.h"
#include "journal_time.h"
#include "private_dir.h"

namespace drkit {

namespace fs = std::filesystem;
using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;

namespace {

constexpr const char* kRunStatusNames[] = {"running", "succeeded", "failed", "interrupted", "refused", "rolled_back"};
constexpr const char* kStepStatusNames[] = {"running", "succeeded", "failed", "warning",
                                            "skipped", "interrupted", "rolled_back"};

}  // namespace

const char* to_string(RunStatus s) { return kRunStatusNames[static_cast<int>(s)]; }
const char* to_string(StepStatus s) { return kStepStatusNames[static_cast<int>(s)]; }

std::optional<RunStatus> run_status_from(std::string_view s) {
  for (std::size_t i = 0; i < std::size(kRunStatusNames); ++i)
    if (s == kRunStatusNames[i]) return static_cast<RunStatus>(i);
  return std::nullopt;
}

std::optional<StepStatus> step_status_from(std::string_view s) {
  for (std::size_t i = 0; i < std::size(kStepStatusNames); ++i)
    if (s == kStepStatusNames[i]) return static_cast<StepStatus>(i);
  return std::nullopt;
}

namespace {

// How long a write waits for another process (`drkit runs` reading, a second drkit) to
// release the database before failing.
constexpr int kBusyTimeoutMs = 15000;

using NullableText = Poco::Nullable<std::string>;

NullableText time_or_null(const std::optional<TimePoint>& t) {
  return t ? NullableText(to_iso8601(*t)) : NullableText();
}

// Typed access to one row of a RecordSet; NULL reads as empty / nullopt.
class Row {
 public:
  Row(const RecordSet& rs, std::size_t row) : rs_(rs), row_(row) {}
  bool is_null(std::size_t col) const { return rs_.isNull(col, row_); }
  std::string text(std::size_t col) const {
    return is_null(col) ? std::string() : rs_.value(col, row_).convert<std::string>();
  }
  std::int64_t integer(std::size_t col) const {
    return is_null(col) ? 0 : rs_.value(col, row_).convert<Poco::Int64>();
  }
  TimePoint time(std::size_t col) const {
    auto t = from_iso8601(text(col));
    if (!t) throw std::runtime_error(fmt::format("bad time '{}' in column {}", text(col), rs_.columnName(col)));
    return *t;
  }
  std::optional<TimePoint> optional_time(std::size_t col) const {
    if (is_null(col)) return std::nullopt;
    return time(col);
  }
  boost::json::object json_object(std::size_t col) const {
    std::string t = text(col);
    if (t.empty()) return {};
    boost::json::value v = boost::json::parse(t);
    return v.is_object() ? std::move(v.as_object()) : boost::json::object{};
  }

 private:
  const RecordSet& rs_;
  std::size_t row_;
};

const char* kRunColumns =
    "id, manifest_path, manifest_hash, manifest_text, pipeline, environment, lock_key, status, started_at, "
    "finished_at, pid, host, user, rto_target_ms, error, dry_run";

RunRecord run_from(const Row& r) {
  RunRecord run;
  run.id = r.text(0);
  run.manifest_path = r.text(1);
  run.manifest_hash = r.text(2);
  run.manifest_text = r.text(3);
  run.pipeline = r.text(4);
  run.environment = r.text(5);
  run.lock_key = r.text(6);
  auto status = run_status_from(r.text(7));
  if (!status) throw std::runtime_error(fmt::format("run {} has unknown status '{}'", run.id, r.text(7)));
  run.status = *status;
  run.started_at = r.time(8);
  run.finished_at = r.optional_time(9);
  run.pid = static_cast<int>(r.integer(10));
  run.host = r.text(11);
  run.user = r.text(12);
  if (!r.is_null(13)) run.rto_target = std::chrono::milliseconds(r.integer(13));
  run.error = r.text(14);
  run.dry_run = r.integer(15) != 0;
  return run;
}

const char* kAttemptColumns =
    "id, run_id, step_id, kind, uses, attempt, status, started_at, finished_at, outputs, error, error_code, "
    "retryable";

AttemptRecord attempt_from(const Row& r) {
  AttemptRecord a;
  a.id = r.integer(0);
  a.run_id = r.text(1);
  a.step_id = r.text(2);
  a.kind = r.text(3);
  a.uses = r.text(4);
  a.attempt = static_cast<int>(r.integer(5));
  auto status = step_status_from(r.text(6));
  if (!status) throw std::runtime_error(fmt::format("attempt {} has unknown status '{}'", a.id, r.text(6)));
  a.status = *status;
  a.started_at = r.time(7);
  a.finished_at = r.optional_time(8);
  a.outputs = r.json_object(9);
  a.error = r.text(10);
  a.error_code = r.text(11);
  a.retryable = r.integer(12) != 0;
  return a;
}

// Creates the state dir (and missing parents) 0700 and the database file 0600 before SQLite
// opens it, so it never exists with the process umask's mode; SQLite gives the -wal and -shm
// files the database file's mode. A state dir that already exists is the operator's folder:
// drkit warns if it is not private rather than chmod it behind their back (it may be shared
// on purpose, e.g. a team's folder on a replicated disk), and the files inside stay private.
void prepare_files(const fs::path& state_dir, const fs::path& db) {
  create_private_directories(state_dir);
  if (auto problem = private_directory_problem(state_dir))
    fmt::print(stderr, "drkit: warning: state dir {}\n", *problem);
  ensure_private_file(db);
}

class SqliteJournal final : public Journal {
 public:
  SqliteJournal(fs::path path, const JournalOptions& options)
      : path_(std::move(path)), session_("SQLite", path_.string()) {
    int timeout = 0;
    session_ << fmt::format("PRAGMA busy_timeout = {}", kBusyTimeoutMs), into(timeout), now;
    std::string mode;
    session_ << "PRAGMA journal_mode = WAL", into(mode), now;
    if (mode != "wal") throw std::runtime_error(fmt::format("SQLite refused WAL mode (got '{}')", mode));
    // FULL: the WAL is fsynced at every commit, so a committed step survives power loss.
    durable_ = options.durable;
    session_ << (options.durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF"), now;
    session_ << "PRAGMA foreign_keys = ON", now;
    version_ = migrate_journal(session_, journal_migrations());
  }

  int schema_version() const override { return version_; }

  void create_run(const RunRecord& run) override {
    write("record run " + run.id, [&] {
      std::string status = to_string(run.status);
      std::string started = to_iso8601(run.started_at);
      NullableText finished = time_or_null(run.finished_at);
      Poco::Nullable<Poco::Int64> rto;
      if (run.rto_target) rto = static_cast<Poco::Int64>(run.rto_target->count());
      int dry = run.dry_run ? 1 : 0;
      session_ << fmt::format("INSERT INTO runs ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              kRunColumns),
          useRef(run.id), useRef(run.manifest_path), useRef(run.manifest_hash), useRef(run.manifest_text),
          useRef(run.pipeline), useRef(run.environment), useRef(run.lock_key), use(status), use(started),
          use(finished), bind(run.pid), useRef(run.host), useRef(run.user), use(rto), useRef(run.error), use(dry),
          now;
    });
  }

  void update_run_status(const std::string& run_id, RunStatus status, const std::string& error,
                         std::optional<TimePoint> finished_at) override {
    write("record the status of run " + run_id, [&] {
      std::string s = to_string(status);
      NullableText finished = time_or_null(finished_at);
      Poco::Data::Statement st(session_);
      st << "UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ?", use(s), useRef(error),
          use(finished), useRef(run_id);
      expect_one_row(st.execute(), "run", run_id);
    });
  }

  void take_over_run(const std::string& run_id, int pid, const std::string& host, const std::string& manifest_hash,
                     const std::string& manifest_text) override {
    write("take over run " + run_id, [&] {
      Poco::Data::Statement st(session_);
      st << "UPDATE runs SET pid = ?, host = ?, status = 'running', finished_at = NULL, error = '', "
            "manifest_hash = ?, manifest_text = ? WHERE id = ?",
          bind(pid), useRef(host), useRef(manifest_hash), useRef(manifest_text), useRef(run_id);
      expect_one_row(st.execute(), "run", run_id);
    });
  }

  std::optional<RunRecord> find_run(const std::string& run_id) const override {
    auto runs = read_runs("read run " + run_id, fmt::format("SELECT {} FROM runs WHERE id = ?", kRunColumns),
                          run_id, 1);
    if (runs.empty()) return std::nullopt;
    return std::move(runs.front());
  }

  std::vector<RunRecord> list_runs(std::size_t limit) const override {
    return read_runs("list runs",
                     fmt::format("SELECT {} FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?", kRunColumns),
                     std::nullopt, limit);
  }

  std::optional<RunRecord> active_run(const std::string& lock_key) const override {
    auto runs = read_runs("find the active run",
                          fmt::format("SELECT {} FROM runs WHERE lock_key = ? AND status = 'running' "
                                      "ORDER BY started_at DESC, rowid DESC LIMIT ?",
                                      kRunColumns),
                          lock_key, 1);
    if (runs.empty()) return std::nullopt;
    return std::move(runs.front());
  }

  std::int64_t start_attempt(const AttemptRecord& a) override {
    Poco::Int64 id = 0;
    write(fmt::format("record the start of {} '{}'", a.kind, a.step_id), [&] {
      std::string status = to_string(a.status);
      std::string started = to_iso8601(a.started_at);
      NullableText finished = time_or_null(a.finished_at);
      std::string outputs = boost::json::serialize(a.outputs);
      int retryable = a.retryable ? 1 : 0;
      session_ << "INSERT INTO attempts (run_id, step_id, kind, uses, attempt, status, started_at, finished_at, "
                  "outputs, error, error_code, retryable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          useRef(a.run_id), useRef(a.step_id), useRef(a.kind), useRef(a.uses), bind(a.attempt), use(status),
          use(started), use(finished), use(outputs), useRef(a.error), useRef(a.error_code), use(retryable), now;
      session_ << "SELECT last_insert_rowid()", into(id), now;
    });
    return id;
  }

  void finish_attempt(std::int64_t attempt_id, StepStatus status, const boost::json::object& outputs,
                      const std::string& error, const std::string& error_code, bool retryable,
                      TimePoint finished_at) override {
    write(fmt::format("record the outcome of attempt {}", attempt_id), [&] {
      std::string s = to_string(status);
      std::string out = boost::json::serialize(outputs);
      std::string finished = to_iso8601(finished_at);
      int r = retryable ? 1 : 0;
      Poco::Int64 id = attempt_id;
      Poco::Data::Statement st(session_);
      st << "UPDATE attempts SET status = ?, outputs = ?, error = ?, error_code = ?, retryable = ?, "
            "finished_at = ? WHERE id = ?",
          use(s), use(out), useRef(error), useRef(error_code), use(r), use(finished), use(id);
      expect_one_row(st.execute(), "attempt", std::to_string(attempt_id));
    });
  }

  std::vector<AttemptRecord> attempts(const std::string& run_id) const override {
    std::vector<AttemptRecord> out;
    read("read the attempts of run " + run_id, [&] {
      Poco::Data::Statement st(session_);
      st << fmt::format("SELECT {} FROM attempts WHERE run_id = ? ORDER BY id", kAttemptColumns), useRef(run_id);
      st.execute();
      RecordSet rs(st);
      for (std::size_t i = 0; i < rs.rowCount(); ++i) out.push_back(attempt_from(Row(rs, i)));
    });
    return out;
  }

  void record_approval(const ApprovalRecord& a) override {
    write("record the approval of " + a.step_id, [&] {
      int approved = a.approved ? 1 : 0;
      std::string at = to_iso8601(a.decided_at);
      session_ << "INSERT INTO approvals (run_id, step_id, gate_text, approver, method, approved, decided_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)",
          useRef(a.run_id), useRef(a.step_id), useRef(a.gate_text), useRef(a.approver), useRef(a.method),
          use(approved), use(at), now;
    });
  }

  std::vector<ApprovalRecord> approvals(const std::string& run_id) const override {
    std::vector<ApprovalRecord> out;
    for_each_row("read the approvals of run " + run_id,
                 "SELECT run_id, step_id, gate_text, approver, method, approved, decided_at FROM approvals "
                 "WHERE run_id = ? ORDER BY id",
                 run_id, [&](const Row& r) {
                   out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.integer(5) != 0,
                                  r.time(6)});
                 });
    return out;
  }

  void record_guard_override(const GuardOverrideRecord& g) override {
    write("record the override of guard " + g.guard_id, [&] {
      std::string at = to_iso8601(g.at);
      session_ << "INSERT INTO guard_overrides (run_id, guard_id, user, reason, at) VALUES (?, ?, ?, ?, ?)",
          useRef(g.run_id), useRef(g.guard_id), useRef(g.user), useRef(g.reason), use(at), now;
    });
  }

  std::vector<GuardOverrideRecord> guard_overrides(const std::string& run_id) const override {
    std::vector<GuardOverrideRecord> out;
    for_each_row("read the guard overrides of run " + run_id,
                 "SELECT run_id, guard_id, user, reason, at FROM guard_overrides WHERE run_id = ? ORDER BY id",
                 run_id, [&](const Row& r) { out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.time(4)}); });
    return out;
  }

  void record_event(const EventRecord& e) override {
    write("record event " + e.type, [&] {
      std::string time = to_iso8601(e.time);
      std::string data = boost::json::serialize(e.data);
      // Events tell the story of a run; the attempts are its position. An event commits
      // without an fsync of its own (synchronous=NORMAL for this one statement) and reaches
      // the disk with the next durable commit: WAL frames are synced in order, so a crash
      // loses at most the events written since the last step boundary, never a step.
      if (durable_) session_ << "PRAGMA synchronous = NORMAL", now;
      struct RestoreFull {
        Poco::Data::Session& session;
        bool durable;
        ~RestoreFull() {
          if (!durable) return;
          try {
            session << "PRAGMA synchronous = FULL", Poco::Data::Keywords::now;
          } catch (...) {
            // Setting a pragma does no I/O; if it ever fails the next write reports the journal.
          }
        }
      } restore{session_, durable_};
      session_ << "INSERT INTO events (run_id, time, type, step_id, data) VALUES (?, ?, ?, ?, ?)", useRef(e.run_id),
          use(time), useRef(e.type), useRef(e.step_id), use(data), now;
    });
  }

  std::vector<EventRecord> events(const std::string& run_id) const override {
    std::vector<EventRecord> out;
    for_each_row("read the events of run " + run_id,
                 "SELECT run_id, time, type, step_id, data FROM events WHERE run_id = ? ORDER BY id", run_id,
                 [&](const Row& r) { out.push_back({r.text(0), r.time(1), r.text(2), r.text(3), r.json_object(4)}); });
    return out;
  }

  void record_check(const CheckRecord& c) override {
    write("record the readiness check", [&] {
      std::string at = to_iso8601(c.at);
      int ok = c.ok ? 1 : 0;
      session_ << "INSERT INTO checks (manifest_path, manifest_hash, pipeline, environment, at, ok) "
                  "VALUES (?, ?, ?, ?, ?, ?)",
          useRef(c.manifest_path), useRef(c.manifest_hash), useRef(c.pipeline), useRef(c.environment), use(at),
          use(ok), now;
    });
  }

  std::optional<CheckRecord> last_passing_check(const std::string& manifest_path, const std::string& pipeline,
                                                const std::string& environment) const override {
    std::optional<CheckRecord> out;
    read("read the last readiness check", [&] {
      Poco::Data::Statement st(session_);
      st << "SELECT manifest_path, manifest_hash, pipeline, environment, at, ok FROM checks "
            "WHERE manifest_path = ? AND pipeline = ? AND environment = ? AND ok = 1 ORDER BY at DESC, id DESC "
            "LIMIT 1",
          useRef(manifest_path), useRef(pipeline), useRef(environment);
      st.execute();
      RecordSet rs(st);
      if (rs.rowCount() == 0) return;
      Row r(rs, 0);
      out = CheckRecord{r.text(0), r.text(1), r.text(2), r.text(3), r.time(4), r.integer(5) != 0};
    });
    return out;
  }

 private:
  // Runs `body` under the mutex; any failure becomes a std::runtime_error naming what
  // was being written and the file.
  template <typename F>
  void write(const std::string& what, F&& body) {
    std::lock_guard lock(mu_);
    guarded(what, body);
  }
  template <typename F>
  void read(const std::string& what, F&& body) const {
    std::lock_guard lock(mu_);
    guarded(what, body);
  }
  template <typename F>
  void guarded(const std::string& what, F& body) const {
    try {
      body();
    } catch (const Poco::Exception& e) {
      throw std::runtime_error(fmt::format("journal {}: cannot {}: {}", path_.string(), what, e.displayText()));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(fmt::format("journal {}: cannot {}: {}", path_.string(), what, e.what()));
    }
  }

  static void expect_one_row(std::size_t rows, const char* what, const std::string& id) {
    if (rows != 1) throw std::runtime_error(fmt::format("no {} '{}' in the journal", what, id));
  }

  std::vector<RunRecord> read_runs(const std::string& what, const std::string& sql, std::optional<std::string> key,
                                   std::size_t limit) const {
    std::vector<RunRecord> out;
    read(what, [&] {
      Poco::Data::Statement st(session_);
      Poco::Int64 lim = static_cast<Poco::Int64>(std::min<std::size_t>(limit, INT64_MAX));
      st << sql;
      if (key) st, use(*key);
      st, use(lim);
      st.execute();
      RecordSet rs(st);
      for (std::size_t i = 0; i < rs.rowCount(); ++i) out.push_back(run_from(Row(rs, i)));
    });
    return out;
  }

  template <typename F>
  void for_each_row(const std::string& what, const std::string& sql, const std::string& run_id, F&& each) const {
    read(what, [&] {
      Poco::Data::Statement st(session_);
      st << sql, useRef(run_id);
      st.execute();
      RecordSet rs(st);
      for (std::size_t i = 0; i < rs.rowCount(); ++i) each(Row(rs, i));
    });
  }

  // Constant after construction.
  const fs::path path_;
  int version_ = 0;
  bool durable_ = true;

  // Protected by mu_ (a Poco session is not thread-safe).
  mutable std::mutex mu_;
  mutable Poco::Data::Session session_;
};

}  // namespace

std::unique_ptr<Journal> Journal::open(const fs::path& state_dir, const JournalOptions& options) {
  static std::once_flag registered;
  std::call_once(registered, [] { Poco::Data::SQLite::Connector::registerConnector(); });
  fs::path db = state_dir / "journal.db";
  try {
    prepare_files(state_dir, db);
    return std::make_unique<SqliteJournal>(db, options);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error(fmt::format("cannot open the journal {}: {}", db.string(), e.displayText()));
  } catch (const fs::filesystem_error& e) {
    throw std::runtime_error(fmt::format("cannot open the journal {}: {}", db.string(), e.what()));
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    if (msg.find(db.string()) != std::string::npos) throw;
    throw std::runtime_error(fmt::format("cannot open the journal {}: {}", db.string(), msg));
  }
}

}  // namespace drkit
