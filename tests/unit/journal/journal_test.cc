#include "journal.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SQLite/Connector.h>

#include "journal_schema.h"
#include "temp_dir.h"

namespace drkit {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test_support::TempDir;
using ::testing::HasSubstr;

// Times survive the journal to the millisecond.
TimePoint at_ms(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }
const TimePoint kT0 = at_ms(1'795'442'103'120);  // 2026-11-23T13:55:03.120Z

RunRecord sample_run(const std::string& id, const std::string& key = "/m/drkit.json|failover|prod") {
  RunRecord r;
  r.id = id;
  r.manifest_path = "/m/drkit.json";
  r.manifest_hash = std::string(64, 'a');
  r.manifest_text = R"({"pipelines": {"failover": {"steps": []}}, "note": "quotes ' \" and ünïcode"})";
  r.pipeline = "failover";
  r.environment = "prod";
  r.lock_key = key;
  r.started_at = kT0;
  r.pid = 4242;
  r.host = "dr1";
  r.user = "alice@dr1";
  r.rto_target = 5min;
  return r;
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

TEST(Journal, CreatesTheSchemaAndReopensIt) {
  TempDir dir;
  int current = journal_migrations().back().version;
  {
    auto j = Journal::open(dir.path() / "state");
    EXPECT_EQ(j->schema_version(), current);
    j->create_run(sample_run("r1"));
  }
  auto j = Journal::open(dir.path() / "state");
  EXPECT_EQ(j->schema_version(), current);
  ASSERT_TRUE(j->find_run("r1"));

  Poco::Data::SQLite::Connector::registerConnector();
  Poco::Data::Session raw("SQLite", (dir.path() / "state" / "journal.db").string());
  using namespace Poco::Data::Keywords;
  int rows = 0, user_version = 0;
  std::string mode;
  raw << "SELECT COUNT(*) FROM journal_schema", into(rows), now;
  raw << "PRAGMA user_version", into(user_version), now;
  raw << "PRAGMA journal_mode", into(mode), now;
  EXPECT_EQ(rows, current);  // each migration applied once, not again on reopen
  EXPECT_EQ(user_version, current);
  EXPECT_EQ(mode, "wal");
}

TEST(Journal, FilesAreOwnerOnlyWhateverTheUmask) {
  TempDir dir;
  mode_t old = ::umask(0);  // the most permissive umask: modes must come from drkit
  {
    auto j = Journal::open(dir.path() / "state" / "nested");
    j->create_run(sample_run("r1"));  // makes SQLite create the -wal and -shm files
    EXPECT_EQ(mode_of(dir.path() / "state" / "nested"), 0700u);
    EXPECT_EQ(mode_of(dir.path() / "state" / "nested" / "journal.db"), 0600u);
    EXPECT_EQ(mode_of(dir.path() / "state" / "nested" / "journal.db-wal"), 0600u);
    EXPECT_EQ(mode_of(dir.path() / "state" / "nested" / "journal.db-shm"), 0600u);
  }
  ::umask(old);
}

TEST(Journal, TightensALooseExistingFile) {
  TempDir dir;
  fs::create_directories(dir.path() / "state");
  { std::ofstream(dir.path() / "state" / "journal.db").flush(); }
  fs::permissions(dir.path() / "state" / "journal.db", fs::perms::all, fs::perm_options::replace);
  auto j = Journal::open(dir.path() / "state");
  EXPECT_EQ(mode_of(dir.path() / "state" / "journal.db"), 0600u);
  EXPECT_EQ(j->schema_version(), journal_migrations().back().version);  // an empty file is a v0 journal
}

TEST(Journal, OpenFailureNamesTheFile) {
  TempDir dir;
  { std::ofstream(dir.path() / "not-a-dir") << "x"; }
  try {
    Journal::open(dir.path() / "not-a-dir");
    FAIL() << "opened a journal inside a regular file";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr((dir.path() / "not-a-dir" / "journal.db").string()));
  }
}

TEST(Journal, NotADatabaseIsAClearError) {
  TempDir dir;
  fs::create_directories(dir.path() / "state");
  { std::ofstream(dir.path() / "state" / "journal.db") << std::string(4096, 'z'); }
  try {
    Journal::open(dir.path() / "state");
    FAIL() << "opened garbage as a journal";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("journal.db"));
    EXPECT_THAT(e.what(), HasSubstr("not a database"));
  }
}

TEST(Journal, StatusNamesRoundTrip) {
  for (auto s : {RunStatus::running, RunStatus::succeeded, RunStatus::failed, RunStatus::interrupted,
                 RunStatus::refused, RunStatus::rolled_back})
    EXPECT_EQ(run_status_from(to_string(s)), s);
  for (auto s : {StepStatus::running, StepStatus::succeeded, StepStatus::failed, StepStatus::warning,
                 StepStatus::skipped, StepStatus::interrupted, StepStatus::rolled_back})
    EXPECT_EQ(step_status_from(to_string(s)), s);
  EXPECT_STREQ(to_string(RunStatus::rolled_back), "rolled_back");
  EXPECT_STREQ(to_string(StepStatus::warning), "warning");
  EXPECT_FALSE(run_status_from("Succeeded"));
  EXPECT_FALSE(step_status_from(""));
}

TEST(Journal, RunRoundTrip) {
  TempDir dir;
  auto j = Journal::open(dir.path());
  RunRecord r = sample_run("20261123-141503-7f3a");
  r.dry_run = true;
  j->create_run(r);
  RunRecord plain = sample_run("r2");
  plain.rto_target.reset();
  plain.started_at = kT0 + 1s;
  j->create_run(plain);

  auto got = j->find_run(r.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, r.id);
  EXPECT_EQ(got->manifest_path, r.manifest_path);
  EXPECT_EQ(got->manifest_hash, r.manifest_hash);
  EXPECT_EQ(got->manifest_text, r.manifest_text);
  EXPECT_EQ(got->pipeline, "failover");
  EXPECT_EQ(got->environment, "prod");
  EXPECT_EQ(got->lock_key, r.lock_key);
  EXPECT_EQ(got->status, RunStatus::running);
  EXPECT_EQ(got->started_at, kT0);
  EXPECT_FALSE(got->finished_at);
  EXPECT_EQ(got->pid, 4242);
  EXPECT_EQ(got->host, "dr1");
  EXPECT_EQ(got->user, "alice@dr1");
  EXPECT_EQ(got->rto_target, std::chrono::milliseconds(5min));
  EXPECT_TRUE(got->dry_run);
  EXPECT_FALSE(j->find_run("r2")->rto_target);
  EXPECT_FALSE(j->find_run("r2")->dry_run);
  EXPECT_FALSE(j->find_run("nope"));

  j->update_run_status(r.id, RunStatus::failed, "step 'restore' failed: login failed (18456)", kT0 + 312s);
  got = j->find_run(r.id);
  EXPECT_EQ(got->status, RunStatus::failed);
  EXPECT_EQ(got->error, "step 'restore' failed: login failed (18456)");
  EXPECT_EQ(got->finished_at, kT0 + 312s);
  EXPECT_THROW(j->update_run_status("nope", RunStatus::failed, "", std::nullopt), std::runtime_error);
}

TEST(Journal, ListsRunsNewestFirst) {
  TempDir dir;
  auto j = Journal::open(dir.path());
  for (int i = 0; i < 5; ++i) {
    RunRecord r = sample_run("r" + std::to_string(i));
    r.started_at = kT0 + std::chrono::seconds(i);
    j->create_run(r);
  }
  auto runs = j->list_runs(3);
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].id, "r4");
  EXPECT_EQ(runs[1].id, "r3");
  EXPECT_EQ(runs[2].id, "r2");
  EXPECT_EQ(j->list_runs().size(), 5u);
}

TEST(Journal, ActiveRunAndTakeOver) {
  TempDir dir;
  auto j = Journal::open(dir.path());
  const std::string key = "/m/drkit.json|failover|prod";
  j->create_run(sample_run("old", key));
  j->update_run_status("old", RunStatus::succeeded, "", kT0 + 10s);
  EXPECT_FALSE(j->active_run(key));

  j->create_run(sample_run("crashed", key));
  j->create_run(sample_run("other", "/m/drkit.json|failback|prod"));
  auto active = j->active_run(key);
  ASSERT_TRUE(active);
  EXPECT_EQ(active->id, "crashed");

  j->update_run_status("crashed", RunStatus::interrupted, "interrupted (SIGTERM)", kT0 + 20s);
  EXPECT_FALSE(j->active_run(key));

  j->take_over_run("crashed", 777, "dr2", std::string(64, 'b'), "{\"changed\": true}");
  auto taken = j->find_run("crashed");
  EXPECT_EQ(taken->status, RunStatus::running);
  EXPECT_EQ(taken->pid, 777);
  EXPECT_EQ(taken->host, "dr2");
  EXPECT_FALSE(taken->finished_at);
  EXPECT_EQ(taken->error, "");
  EXPECT_EQ(taken->manifest_hash, std::string(64, 'b'));
  EXPECT_EQ(taken->manifest_text, "{\"changed\": true}");
  EXPECT_EQ(taken->started_at, kT0);  // the RTO clock still starts at the original start
  EXPECT_EQ(j->active_run(key)->id, "crashed");
  EXPECT_THROW(j->take_over_run("nope", 1, "h", "", ""), std::runtime_error);
}

TEST(Journal, AttemptsRoundTripInStartOrder) {
  TempDir dir;
  auto j = Journal::open(dir.path());
  j->create_run(sample_run("r"));
  AttemptRecord a{0, "r", "restore", "step", "sqlserver.recover_database", 1, StepStatus::running, kT0};
  auto id1 = j->start_attempt(a);
  a.attempt = 2;
  a.started_at = kT0 + 3s;
  auto id2 = j->start_attempt(a);
  AttemptRecord g{0, "r", "primary-down", "guard", "core.command", 1, StepStatus::running, kT0 + 4s};
  auto id3 = j->start_attempt(g);
  EXPECT_LT(id1, id2);
  EXPECT_LT(id2, id3);

  j->finish_attempt(id1, StepStatus::failed, {}, "TCP Provider: connection reset", "08S01", true, kT0 + 2500ms);
  boost::json::object outputs{{"lsn", "00000025:00000190:0001"}, {"files", boost::json::array{"a.bak", "b.trn"}},
                              {"size", 123456789012}};
  j->finish_attempt(id2, StepStatus::succeeded, outputs, "", "", false, kT0 + 4s);
  EXPECT_THROW(j->finish_attempt(9999, StepStatus::failed, {}, "", "", false, kT0), std::runtime_error);

  auto all = j->attempts("r");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, id1);
  EXPECT_EQ(all[0].status, StepStatus::failed);
  EXPECT_EQ(all[0].error, "TCP Provider: connection reset");
  EXPECT_EQ(all[0].error_code, "08S01");
  EXPECT_TRUE(all[0].retryable);
  EXPECT_EQ(all[0].finished_at, kT0 + 2500ms);
  EXPECT_EQ(all[1].attempt, 2);
  EXPECT_EQ(all[1].uses, "sqlserver.recover_database");
  EXPECT_EQ(all[1].outputs, outputs);
  EXPECT_EQ(all[1].started_at, kT0 + 3s);
  EXPECT_EQ(all[2].kind, "guard");
  EXPECT_EQ(all[2].status, StepStatus::running);  // started, no outcome yet: what resume re-runs
  EXPECT_FALSE(all[2].finished_at);
  EXPECT_TRUE(j->attempts("other-run").empty());
}

TEST(Journal, ApprovalsOverridesEventsAndChecksRoundTrip) {
  TempDir dir;
  auto j = Journal::open(dir.path());
  j->create_run(sample_run("r"));
  j->record_approval({"r", "switch-dns", "Point DNS at the DR site?", "bob@dr1", "terminal", true, kT0 + 60s});
  j->record_approval({"r", "drop-old", "Drop the old primary?", "bob@dr1", "--approve", false, kT0 + 61s});
  auto ap = j->approvals("r");
  ASSERT_EQ(ap.size(), 2u);
  EXPECT_EQ(ap[0].step_id, "switch-dns");
  EXPECT_EQ(ap[0].gate_text, "Point DNS at the DR site?");
  EXPECT_EQ(ap[0].approver, "bob@dr1");
  EXPECT_EQ(ap[0].method, "terminal");
  EXPECT_TRUE(ap[0].approved);
  EXPECT_EQ(ap[0].decided_at, kT0 + 60s);
  EXPECT_FALSE(ap[1].approved);

  j->record_guard_override({"r", "primary-down", "alice@dr1", "the primary must be down (it answered)", kT0 + 1s});
  auto go = j->guard_overrides("r");
  ASSERT_EQ(go.size(), 1u);
  EXPECT_EQ(go[0].guard_id, "primary-down");
  EXPECT_EQ(go[0].user, "alice@dr1");
  EXPECT_EQ(go[0].reason, "the primary must be down (it answered)");
  EXPECT_EQ(go[0].at, kT0 + 1s);

  j->record_event({"r", kT0, "step.started", "restore", {{"attempt", 1}}});
  j->record_event({"r", kT0 + 1s, "notifier.failed", "", {{"notifier", "teams"}, {"error", "HTTP 503"}}});
  auto ev = j->events("r");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].type, "step.started");
  EXPECT_EQ(ev[0].step_id, "restore");
  EXPECT_EQ(ev[0].data.at("attempt").as_int64(), 1);
  EXPECT_EQ(ev[1].data.at("error").as_string(), "HTTP 503");
  EXPECT_EQ(ev[1].time, kT0 + 1s);

  EXPECT_FALSE(j->last_passing_check("/m/drkit.json", "failover", "prod"));
  j->record_check({"/m/drkit.json", "hash-1", "failover", "prod", kT0, true});
  j->record_check({"/m/drkit.json", "hash-2", "failover", "prod", kT0 + 10s, true});
  j->record_check({"/m/drkit.json", "hash-3", "failover", "prod", kT0 + 20s, false});  // failed: not "passing"
  j->record_check({"/m/drkit.json", "hash-4", "failback", "prod", kT0 + 30s, true});
  j->record_check({"/m/drkit.json", "hash-5", "failover", "test", kT0 + 40s, true});
  auto check = j->last_passing_check("/m/drkit.json", "failover", "prod");
  ASSERT_TRUE(check);
  EXPECT_EQ(check->manifest_hash, "hash-2");
  EXPECT_EQ(check->at, kT0 + 10s);
  EXPECT_TRUE(check->ok);
}

TEST(Journal, ConcurrentWritersLoseNothing) {
  // Threads sharing one Journal (a parallel stage) and a second Journal on the same file
  // (another drkit process: `drkit runs`, or `drkit check`) all writing at once.
  TempDir dir;
  auto shared = Journal::open(dir.path());
  auto second = Journal::open(dir.path());
  shared->create_run(sample_run("r"));
  constexpr int kThreads = 6, kPerThread = 60;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Journal& j = t % 2 ? *second : *shared;
      try {
        for (int i = 0; i < kPerThread; ++i) {
          std::string step = "s" + std::to_string(t) + "-" + std::to_string(i);
          auto id = j.start_attempt({0, "r", step, "step", "core.exec", 1, StepStatus::running, kT0});
          j.finish_attempt(id, StepStatus::succeeded, {{"step", step}}, "", "", false, kT0 + 1s);
          j.record_event({"r", kT0, "step.succeeded", step, {}});
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto all = Journal::open(dir.path())->attempts("r");
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::set<std::int64_t> ids;
  std::set<std::string> steps;
  for (const auto& a : all) {
    ids.insert(a.id);
    steps.insert(a.step_id);
    EXPECT_EQ(a.status, StepStatus::succeeded);
    EXPECT_EQ(a.outputs.at("step").as_string(), a.step_id);
  }
  EXPECT_EQ(ids.size(), all.size());
  EXPECT_EQ(steps.size(), all.size());
  EXPECT_EQ(shared->events("r").size(), all.size());
}

TEST(Journal, SeveralProcessesCreateAndWriteOneJournalAtOnce) {
  // Four drkit processes start against a state dir with no journal yet: one creates the
  // schema, the others wait for it (busy timeout, BEGIN IMMEDIATE), and every write lands.
  TempDir dir;
  constexpr int kProcs = 4, kPerProc = 40;
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int rc = 0;
      try {
        auto j = Journal::open(dir.path() / "state");
        std::string run = "run-" + std::to_string(p);
        j->create_run(sample_run(run, "key-" + std::to_string(p)));
        for (int i = 0; i < kPerProc; ++i) {
          auto id = j->start_attempt({0, run, "s" + std::to_string(i), "step", "core.exec", 1, StepStatus::running, kT0});
          j->finish_attempt(id, StepStatus::succeeded, {}, "", "", false, kT0 + 1s);
        }
        j->update_run_status(run, RunStatus::succeeded, "", kT0 + 2s);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "child %d: %s\n", p, e.what());
        rc = 1;
      }
      ::_exit(rc);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child " << pid << " status " << status;
  }
  auto j = Journal::open(dir.path() / "state");
  auto runs = j->list_runs();
  ASSERT_EQ(runs.size(), static_cast<std::size_t>(kProcs));
  for (const auto& r : runs) {
    EXPECT_EQ(r.status, RunStatus::succeeded);
    EXPECT_EQ(j->attempts(r.id).size(), static_cast<std::size_t>(kPerProc));
  }
}

}  // namespace
}  // namespace drkit
