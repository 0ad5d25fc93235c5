// sqlserver.recover_database: RESTORE DATABASE ... WITH RECOVERY, as its own statement.
// A no-op when the database is already ONLINE; retries error 3101 (exclusive access).
#include <boost/json.hpp>

#include "component_support.hpp"
#include "queries.hpp"

namespace drkit::sqlserver {

namespace {

class RecoverDatabaseStep final : public Step {
 public:
  explicit RecoverDatabaseStep(const Params& p)
      : instance_(instance_config(p.resource("instance"))),
        database_(name_param(p, "database")),
        attempts_(p.integer("exclusive_access_attempts")),
        delay_(p.duration("exclusive_access_delay")) {}

  std::string recover_sql() const { return fmt::format("RESTORE DATABASE {} WITH RECOVERY;", quote_name(database_)); }

  Plan plan(Context& ctx) override {
    try {
      Instance sql(ctx, instance_);
      auto st = read_database_state(sql, database_);
      if (st.recovered())
        return {fmt::format("{} on {} is already ONLINE: nothing to recover", database_, instance_.name),
                {database_state_sql(database_)}, true};
      return {fmt::format("recover {} on {} (now {})", database_, instance_.name, st.describe()), {recover_sql()}};
    } catch (const StepError& e) {
      return {fmt::format("recover {} on {}{}", database_, instance_.name, unreadable_note(e)), {recover_sql()}};
    }
  }

  boost::json::object run(Context& ctx) override {
    Instance sql(ctx, instance_);
    auto st = read_database_state(sql, database_);
    boost::json::object out;
    out["database"] = database_;
    if (!st.exists)
      throw StepError(fmt::format("{}: database {} does not exist", instance_.name, database_), Retryable::no,
                      "sql.911");
    if (st.recovered()) {
      ctx.log().info(fmt::format("{}: {} is already ONLINE: nothing to recover", instance_.name, database_));
      out["recovered"] = false;
      out["state_desc"] = st.state_desc;
      return out;
    }
    for (std::int64_t attempt = 1;; ++attempt) {
      try {
        sql.execute_raw(recover_sql());
        break;
      } catch (const SqlError& e) {
        if (e.has_number(3101) && attempt < attempts_) {
          ctx.log().warn(fmt::format("{}: {} is in use (3101); attempt {} of {}, retrying in {} ms", instance_.name,
                                     database_, attempt, attempts_, delay_.count()));
          if (!ctx.cancellation().wait_for(delay_)) ctx.cancellation().throw_if_cancelled();
          continue;
        }
        sql.fail(e, recover_sql());
      }
    }
    auto after = read_database_state(sql, database_);
    if (!after.recovered())
      throw StepError(fmt::format("{}: after RESTORE WITH RECOVERY {} is {}", instance_.name, database_, after.describe()));
    out["recovered"] = true;
    out["state_desc"] = after.state_desc;
    out["broker_enabled"] = after.broker_enabled;
    if (!after.broker_enabled)
      ctx.log().warn(fmt::format("{}: Service Broker is disabled in {} after the restore (check whether the "
                                 "application needs it: probe sqlserver.broker_enabled)",
                                 instance_.name, database_));
    return out;
  }

 private:
  InstanceConfig instance_;
  std::string database_;
  std::int64_t attempts_;
  Duration delay_;
};

}  // namespace

void register_recover_database(Registry& r) {
  r.add_step({.name = "recover_database",
              .summary = "Bring a RESTORING or STANDBY database online (RESTORE ... WITH RECOVERY)",
              .effect = Effect::mutating,
              .params = {instance_param(), database_param(),
                         {.name = "exclusive_access_attempts", .type = ParamType::integer, .default_value = 5,
                          .description = "Tries when another session holds the database (error 3101)",
                          .minimum = 1},
                         {.name = "exclusive_access_delay", .type = ParamType::duration, .default_value = "2s",
                          .description = "Wait between those tries"}},
              .description = "No-op when the database is already ONLINE. Nothing can be restored after "
                             "recovery: apply the log backups first. Outputs: recovered, state_desc, "
                             "broker_enabled (restored databases come back with Service Broker off)."},
             [](const Params& p) { return std::make_unique<RecoverDatabaseStep>(p); });
}

}  // namespace drkit::sqlserver
