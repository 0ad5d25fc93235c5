// sqlserver.run_log_shipping_jobs: runs the secondary's copy job, then its restore job, like
// dbatools' Invoke-DbaDbLogShipRecovery but without its weak points (reference section 5): it
// waits for each job to start and then to finish (a new sysjobhistory outcome row, not "idle"
// read before the job started), and when told the share is unreachable it skips the copy
// job and restores what the copy folder already holds.
#include <chrono>

#include <boost/json.hpp>

#include "component_support.hpp"
#include "queries.hpp"

namespace drkit::sqlserver {

namespace {

class RunLogShippingJobsStep final : public Step {
 public:
  explicit RunLogShippingJobsStep(const Params& p)
      : instance_(instance_config(p.resource("instance"))),
        database_(name_param(p, "database")),
        share_unreachable_(p.boolean("share_unreachable")),
        timeout_(p.duration("job_timeout")),
        poll_(p.duration("poll_interval")) {}

  static std::string start_sql(const std::string& job) {
    return fmt::format("EXEC msdb.dbo.sp_start_job @job_name = {};", quote_literal(job));
  }
  static std::string names_sql(const LogShippingSecondary& ls) {
    return fmt::format(
        "SELECT j.job_id, j.name FROM msdb.dbo.sysjobs j\n"
        "JOIN msdb.dbo.log_shipping_secondary ls ON ls.copy_job_id = j.job_id OR ls.restore_job_id = j.job_id\n"
        "WHERE ls.secondary_id = {};",
        quote_literal(ls.secondary_id));
  }
  static std::string history_sql(const std::string& job, const std::string& after) {
    return fmt::format(
        "SELECT h.instance_id, h.run_status, h.message FROM msdb.dbo.sysjobhistory h\n"
        "JOIN msdb.dbo.sysjobs j ON j.job_id = h.job_id\n"
        "WHERE j.name = {} AND h.step_id = 0 AND h.instance_id > {} ORDER BY h.instance_id DESC;",
        quote_literal(job), after);
  }

  struct Jobs {
    std::string copy, restore;
  };
  Jobs job_names(Instance& sql, const LogShippingSecondary& ls) {
    auto r = sql.execute(names_sql(ls));
    Jobs j;
    if (r.result_sets.empty()) return j;
    const auto& rs = r.result_sets[0];
    for (std::size_t i = 0; i < rs.rows.size(); ++i) {
      std::string id = rs.text(i, "job_id");
      if (iequals(id, ls.copy_job_id)) j.copy = rs.text(i, "name");
      if (iequals(id, ls.restore_job_id)) j.restore = rs.text(i, "name");
    }
    return j;
  }

  // Starts `job` and waits for its outcome. Returns {status, message}.
  boost::json::object run_job(Context& ctx, Instance& sql, const std::string& job) {
    auto last = sql.execute(history_sql(job, "0"));
    std::string before = "0";
    if (!last.result_sets.empty() && !last.result_sets[0].rows.empty()) before = last.result_sets[0].text(0, "instance_id");
    try {
      sql.execute_raw(start_sql(job));
      ctx.log().info(fmt::format("{}: started job {}", instance_.name, job));
    } catch (const SqlError& e) {
      // 22022: already running (its schedule started it): wait for that run instead.
      if (!e.has_number(22022)) sql.fail(e, start_sql(job));
      ctx.log().info(fmt::format("{}: job {} is already running; waiting for it", instance_.name, job));
    }
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    for (;;) {
      auto r = sql.execute(history_sql(job, before));
      if (!r.result_sets.empty() && !r.result_sets[0].rows.empty()) {
        const auto& rs = r.result_sets[0];
        bool ok = rs.text(0, "run_status") == "1";
        std::string message = rs.text(0, "message");
        ctx.log().info(fmt::format("{}: job {} {}: {}", instance_.name, job, ok ? "succeeded" : "failed", message));
        return {{"job", job}, {"succeeded", ok}, {"message", message}};
      }
      if (std::chrono::steady_clock::now() > deadline)
        throw StepError(fmt::format("{}: job {} did not finish within {} ms", instance_.name, job, timeout_.count()),
                        Retryable::yes, "sqlserver.job_timeout");
      if (!ctx.cancellation().wait_for(poll_)) ctx.cancellation().throw_if_cancelled();
    }
  }

  Plan plan(Context& ctx) override {
    std::string copy = "<copy job>", restore = "<restore job>", note;
    try {
      Instance sql(ctx, instance_);
      auto ls = read_log_shipping_secondary(sql, database_);
      if (!ls.configured) note = " (log shipping is not configured: the step will fail)";
      else {
        auto j = job_names(sql, ls);
        copy = j.copy;
        restore = j.restore;
      }
    } catch (const StepError& e) {
      note = unreadable_note(e);
    }
    Plan p{fmt::format("run the log-shipping {}restore job of {} on {} and wait for each{}",
                       share_unreachable_ ? "" : "copy and ", database_, instance_.name, note)};
    if (!share_unreachable_) p.actions.push_back(start_sql(copy));
    p.actions.push_back(start_sql(restore));
    return p;
  }

  boost::json::object run(Context& ctx) override {
    Instance sql(ctx, instance_);
    auto ls = read_log_shipping_secondary(sql, database_);
    if (!ls.configured)
      throw StepError(fmt::format("{}: {} is not a log-shipping secondary (run this before "
                                  "remove_log_shipping_secondary; afterwards use apply_log_backups)",
                                  instance_.name, database_),
                      Retryable::no, "sqlserver.not_log_shipped");
    auto jobs = job_names(sql, ls);
    if (jobs.copy.empty() || jobs.restore.empty())
      throw StepError(fmt::format("{}: the copy or restore job of {} is missing from msdb.dbo.sysjobs", instance_.name,
                                  database_));
    boost::json::object out;
    if (share_unreachable_) {
      ctx.log().warn(fmt::format("{}: the share is unreachable: skipping {}, restoring what {} holds", instance_.name,
                                 jobs.copy, ls.backup_destination_directory));
      out["copy"] = boost::json::object{{"job", jobs.copy}, {"skipped", true}};
    } else {
      auto copy = run_job(ctx, sql, jobs.copy);
      bool ok = copy["succeeded"].as_bool();
      out["copy"] = std::move(copy);
      if (!ok)
        throw StepError(fmt::format("{}: copy job {} failed: {}. If the backup share is unreachable, run again "
                                    "with share_unreachable: true to restore what was already copied",
                                    instance_.name, jobs.copy, out["copy"].as_object()["message"].as_string().c_str()),
                        Retryable::no, "sqlserver.copy_job_failed");
    }
    auto restore = run_job(ctx, sql, jobs.restore);
    bool ok = restore["succeeded"].as_bool();
    out["restore"] = std::move(restore);
    if (!ok)
      throw StepError(fmt::format("{}: restore job {} failed: {}", instance_.name, jobs.restore,
                                  out["restore"].as_object()["message"].as_string().c_str()),
                      Retryable::no, "sqlserver.restore_job_failed");
    auto after = read_log_shipping_secondary(sql, database_);
    out["last_copied_file"] = after.last_copied_file;
    out["last_restored_file"] = after.last_restored_file;
    return out;
  }

 private:
  InstanceConfig instance_;
  std::string database_;
  bool share_unreachable_;
  Duration timeout_;
  Duration poll_;
};

}  // namespace

void register_run_log_shipping_jobs(Registry& r) {
  r.add_step({.name = "run_log_shipping_jobs",
              .summary = "Run the secondary's log-shipping copy job, then its restore job, waiting for each",
              .effect = Effect::mutating,
              .params = {instance_param("instance", "The log-shipping secondary instance."), database_param(),
                         {.name = "share_unreachable", .type = ParamType::boolean, .default_value = false,
                          .description = "Skip the copy job and restore what the copy folder already holds"},
                         {.name = "job_timeout", .type = ParamType::duration, .default_value = "30m",
                          .description = "Longest wait for each job"},
                         {.name = "poll_interval", .type = ParamType::duration, .default_value = "500ms",
                          .description = "How often job history is read"}},
              .description = "Needs SQL Server Agent and the log-shipping configuration (run before "
                             "remove_log_shipping_secondary). Outputs: copy and restore (job, succeeded, message), "
                             "last_copied_file, last_restored_file."},
             [](const Params& p) { return std::make_unique<RunLogShippingJobsStep>(p); });
}

}  // namespace drkit::sqlserver
