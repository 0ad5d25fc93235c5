// Reports from a real journal whose times are recorded explicitly, so every figure
// (durations, RTO met or missed) is known in advance.
#include "report.h"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "temp_dir.h"

namespace drkit {
namespace {

using namespace std::chrono_literals;
using test_support::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

const TimePoint kT0 = TimePoint(std::chrono::milliseconds(1'795'443'303'000));  // 2026-11-23T14:15:03Z

class Report : public ::testing::Test {
 protected:
  Report() : journal_(Journal::open(dir_.path())) {}

  // A failover: a guard, a step that fails once (retryable) then succeeds, a gate, a
  // step that takes most of the time. The run ends `run_length` after it started.
  void record_failover(const std::string& id, RunStatus status, std::chrono::milliseconds run_length,
                       std::optional<std::chrono::milliseconds> rto_target = 5min) {
    RunRecord r;
    r.id = id;
    r.manifest_path = "/srv/dr/drkit.json";
    r.manifest_hash = std::string(64, 'c');
    r.pipeline = "failover";
    r.environment = "prod";
    r.lock_key = "/srv/dr/drkit.json|failover|prod";
    r.started_at = kT0;
    r.pid = 4242;
    r.host = "dr1";
    r.user = "alice@dr1";
    r.rto_target = rto_target;
    journal_->create_run(r);
    auto guard = journal_->start_attempt({0, id, "primary-down", "guard", "core.command", 1, StepStatus::running, kT0});
    journal_->finish_attempt(guard, StepStatus::warning, {}, "the primary must be down (it answered)", "guard.forced",
                             false, kT0 + 100ms);
    journal_->record_guard_override({id, "primary-down", "alice@dr1", "the primary must be down (it answered)", kT0 + 100ms});
    auto a1 = journal_->start_attempt({0, id, "snapshot", "step", "sqlserver.backup_log", 1, StepStatus::running, kT0 + 1s});
    journal_->finish_attempt(a1, StepStatus::failed, {}, "TCP Provider: An existing connection was forcibly closed | code 10054",
                             "08S01", true, kT0 + 3500ms);
    auto a2 = journal_->start_attempt({0, id, "snapshot", "step", "sqlserver.backup_log", 2, StepStatus::running, kT0 + 4s});
    journal_->finish_attempt(a2, StepStatus::succeeded,
                             {{"path", "/backups/sales_tail.trn"}, {"stdout", "line one\nline two"}, {"bytes", 52428800},
                              {"stderr", ""}},
                             "", "", false, kT0 + 10s);
    journal_->record_approval({id, "switch-dns", "Point sales.example.com at the DR site?", "bob@dr2", "terminal", true,
                               kT0 + 40s});
    auto a3 = journal_->start_attempt({0, id, "switch-dns", "step", "dns.update", 1, StepStatus::running, kT0 + 41s});
    journal_->finish_attempt(a3, status == RunStatus::succeeded ? StepStatus::succeeded : StepStatus::failed, {},
                             status == RunStatus::succeeded ? "" : "zone transfer refused", "", false,
                             kT0 + run_length - 1s);
    journal_->record_event({id, kT0 + 50s, "notifier.failed", "switch-dns",
                            {{"notifier", "teams"}, {"event", "step.started"}, {"error", "HTTP 503 Service Unavailable"}}});
    journal_->update_run_status(id, status, status == RunStatus::succeeded ? "" : "step 'switch-dns' failed",
                                kT0 + run_length);
  }

  std::string text(const std::string& id) { return render_report(*journal_, id, ReportFormat::text); }

  TempDir dir_;
  std::unique_ptr<Journal> journal_;
};

TEST_F(Report, RtoMissedByTheRecordedMargin) {
  record_failover("late", RunStatus::succeeded, 5min + 12s);
  std::string t = text("late");
  EXPECT_THAT(t, HasSubstr("Run late: SUCCEEDED"));
  EXPECT_THAT(t, HasSubstr("RTO         missed by 12s: 5m12s against a target of 5m"));
  EXPECT_THAT(t, HasSubstr("started     2026-11-23 14:15:03 UTC by alice@dr1 (pid 4242 on dr1)"));
  EXPECT_THAT(t, HasSubstr("ended       2026-11-23 14:20:15 UTC"));
  auto j = report_json(*journal_, "late");
  EXPECT_EQ(j.at("rto").at("verdict").as_string(), "missed");
  EXPECT_EQ(j.at("rto").at("missed_by_ms").as_int64(), 12'000);
  EXPECT_EQ(j.at("rto").at("elapsed_ms").as_int64(), 312'000);
  EXPECT_EQ(j.at("rto").at("target_ms").as_int64(), 300'000);
  EXPECT_EQ(j.at("rto").at("steps_ms").as_int64(), 310'000);  // 14:15:04 to 14:20:14
  EXPECT_EQ(j.at("run").at("duration_ms").as_int64(), 312'000);
}

TEST_F(Report, RtoMetWithTimeToSpare) {
  record_failover("fast", RunStatus::succeeded, 4min + 10s);
  EXPECT_THAT(text("fast"), HasSubstr("RTO         met: 4m10s against a target of 5m (50s to spare)"));
  EXPECT_EQ(report_json(*journal_, "fast").at("rto").at("verdict").as_string(), "met");
  EXPECT_TRUE(report_json(*journal_, "fast").at("rto").at("missed_by_ms").is_null());
}

TEST_F(Report, RtoFiguresAddUpAndSmallMarginsAreExact) {
  record_failover("close", RunStatus::succeeded, 5min + 400ms);
  EXPECT_THAT(text("close"), HasSubstr("RTO         missed by 400ms: 5m400ms against a target of 5m"));
  record_failover("rounded", RunStatus::succeeded, 4min + 10s + 400ms);
  EXPECT_THAT(text("rounded"), HasSubstr("RTO         met: 4m10s against a target of 5m (50s to spare)"));
  EXPECT_EQ(report_json(*journal_, "rounded").at("rto").at("elapsed_ms").as_int64(), 250'400);  // JSON stays exact
}

TEST_F(Report, AShortRunIsShownToTheMillisecond) {
  RunRecord r;
  r.id = "quick";
  r.started_at = kT0;
  r.rto_target = 1min;
  journal_->create_run(r);
  journal_->update_run_status("quick", RunStatus::succeeded, "", kT0 + 374ms);
  EXPECT_THAT(text("quick"), HasSubstr("RTO         met: 374ms against a target of 1m (59s626ms to spare)"));
  EXPECT_THAT(text("quick"), HasSubstr("no steps ran"));
}

TEST_F(Report, AFailedRunDoesNotMeetItsRto) {
  record_failover("broken", RunStatus::failed, 2min);
  std::string t = text("broken");
  EXPECT_THAT(t, HasSubstr("Run broken: FAILED"));
  EXPECT_THAT(t, HasSubstr("RTO         not met: the run failed after 2m (target 5m)"));
  EXPECT_THAT(t, HasSubstr("error       step 'switch-dns' failed"));
  EXPECT_EQ(report_json(*journal_, "broken").at("rto").at("verdict").as_string(), "not_met");
}

TEST_F(Report, AnInterruptedRunIsUnfinishedAndSaysHowToResume) {
  record_failover("cut", RunStatus::interrupted, 6min);
  std::string t = text("cut");
  EXPECT_THAT(t, HasSubstr("RTO         already missed by 1m: interrupted after 6m against a target of 5m"));
  EXPECT_THAT(t, HasSubstr("drkit resume cut"));
  EXPECT_EQ(report_json(*journal_, "cut").at("rto").at("verdict").as_string(), "unfinished");
}

TEST_F(Report, NoTargetNoVerdict) {
  record_failover("free", RunStatus::succeeded, 5min + 12s, std::nullopt);
  EXPECT_THAT(text("free"), HasSubstr("no rto_target declared; the run took 5m12s"));
  EXPECT_EQ(report_json(*journal_, "free").at("rto").at("verdict").as_string(), "no_target");
}

TEST_F(Report, TextShowsTimelineErrorsOutputsApprovalsOverridesAndNotifierFailures) {
  record_failover("r", RunStatus::succeeded, 5min + 12s);
  std::string t = text("r");
  // Timeline: clock time, step, kind, try, status, duration.
  EXPECT_THAT(t, HasSubstr("Timeline (UTC)"));
  EXPECT_THAT(t, testing::ContainsRegex("14:15:03\\.000 +primary-down +guard +1 +warning +100ms"));
  EXPECT_THAT(t, testing::ContainsRegex("14:15:04\\.000 +snapshot +step +1 +failed +2s500ms +TCP Provider"));
  EXPECT_THAT(t, testing::ContainsRegex("14:15:07\\.000 +snapshot +step +2 +succeeded +6s"));
  EXPECT_THAT(t, testing::ContainsRegex("14:15:44\\.000 +switch-dns +step +1 +succeeded +4m30s"));
  // Errors with code and retryability.
  EXPECT_THAT(t, HasSubstr("snapshot (try 1, sqlserver.backup_log) [08S01, retryable]"));
  EXPECT_THAT(t, HasSubstr("An existing connection was forcibly closed | code 10054"));
  // Outputs of the successful attempt, multi-line values indented.
  EXPECT_THAT(t, HasSubstr("      path = /backups/sales_tail.trn\n"));
  EXPECT_THAT(t, HasSubstr("      stdout = line one\n               line two\n"));
  EXPECT_THAT(t, HasSubstr("      bytes = 52428800\n"));
  EXPECT_THAT(t, Not(HasSubstr("stderr")));  // empty values are left to the JSON report
  EXPECT_THAT(t, HasSubstr("switch-dns  APPROVED by bob@dr2 (terminal)"));
  EXPECT_THAT(t, HasSubstr("\"Point sales.example.com at the DR site?\""));
  EXPECT_THAT(t, HasSubstr("primary-down  overridden by alice@dr1: the primary must be down (it answered)"));
  EXPECT_THAT(t, HasSubstr("teams: step.started not delivered: HTTP 503 Service Unavailable"));
  EXPECT_THAT(t, HasSubstr("readiness   no passing `drkit check` recorded"));
}

TEST_F(Report, ReadinessSaysWhenTheManifestChangedSinceTheLastCheck) {
  record_failover("r", RunStatus::succeeded, 1min);
  journal_->record_check({"/srv/dr/drkit.json", std::string(64, 'c'), "failover", "prod", kT0 - 24h, true});
  EXPECT_THAT(text("r"), HasSubstr("last passing `drkit check` 2026-11-22 14:15:03 UTC, same manifest"));
  journal_->record_check({"/srv/dr/drkit.json", std::string(64, 'd'), "failover", "prod", kT0 - 1h, true});
  EXPECT_THAT(text("r"), HasSubstr("checked a DIFFERENT manifest"));
  EXPECT_FALSE(report_json(*journal_, "r").at("readiness").at("same_manifest").as_bool());
}

TEST_F(Report, JsonCarriesEveryRecord) {
  record_failover("r", RunStatus::succeeded, 5min + 12s);
  auto j = boost::json::parse(render_report(*journal_, "r", ReportFormat::json)).as_object();
  EXPECT_EQ(j.at("run").at("id").as_string(), "r");
  EXPECT_EQ(j.at("run").at("status").as_string(), "succeeded");
  EXPECT_EQ(j.at("run").at("started_at").as_string(), "2026-11-23T14:15:03.000Z");
  const auto& attempts = j.at("attempts").as_array();
  ASSERT_EQ(attempts.size(), 4u);
  EXPECT_EQ(attempts[1].at("duration_ms").as_int64(), 2500);
  EXPECT_EQ(attempts[1].at("error_code").as_string(), "08S01");
  EXPECT_TRUE(attempts[1].at("retryable").as_bool());
  EXPECT_EQ(j.at("outputs").at("snapshot").at("path").as_string(), "/backups/sales_tail.trn");
  EXPECT_EQ(j.at("approvals").as_array()[0].at("step_id").as_string(), "switch-dns");
  EXPECT_EQ(j.at("approvals").as_array()[0].at("approver").as_string(), "bob@dr2");
  EXPECT_EQ(j.at("guard_overrides").as_array()[0].at("guard_id").as_string(), "primary-down");
  EXPECT_EQ(j.at("notifier_failures").as_array().size(), 1u);
}

TEST_F(Report, MarkdownIsTablesWithEscapedCells) {
  record_failover("r", RunStatus::succeeded, 5min + 12s);
  std::string md = render_report(*journal_, "r", ReportFormat::markdown);
  EXPECT_THAT(md, HasSubstr("# drkit run r: succeeded"));
  EXPECT_THAT(md, HasSubstr("| RTO | missed by 12s: 5m12s against a target of 5m |"));
  EXPECT_THAT(md, HasSubstr("| Time | Step | Kind | Try | Status | Duration | Error |"));
  EXPECT_THAT(md, HasSubstr("forcibly closed \\| code 10054"));  // a pipe in an error cannot break the table
  EXPECT_THAT(md, HasSubstr("## Approvals"));
  EXPECT_THAT(md, HasSubstr("## Guard overrides"));
  EXPECT_THAT(md, HasSubstr("```\nline one\nline two\n```"));
}

TEST_F(Report, AnAttemptLeftByADeadProcessHasNoOutcome) {
  RunRecord r;
  r.id = "crashed";
  r.started_at = kT0;
  r.pipeline = "failover";
  journal_->create_run(r);
  journal_->start_attempt({0, "crashed", "restore", "step", "sqlserver.restore", 1, StepStatus::running, kT0 + 1s});
  EXPECT_THAT(text("crashed"), testing::ContainsRegex("restore +step +1 +running +-"));
  journal_->update_run_status("crashed", RunStatus::interrupted, "the process died", kT0 + 2s);
  std::string t = text("crashed");
  EXPECT_THAT(t, testing::ContainsRegex("restore +step +1 +no outcome +-"));
  EXPECT_THAT(t, Not(HasSubstr("Outputs")));
}

TEST_F(Report, UnknownRunIsAnError) {
  EXPECT_THROW(text("nope"), std::runtime_error);
  EXPECT_THROW(report_json(*journal_, "nope"), std::runtime_error);
}

}  // namespace
}  // namespace drkit
