// sqlserver.end_connections: kills every session using a database (reference section 4), so
// RESTORE ... WITH RECOVERY gets exclusive access. A no-op when nobody is connected.
#include <boost/json.hpp>

#include "component_support.hpp"

namespace drkit::sqlserver {

namespace {

class EndConnectionsStep final : public Step {
 public:
  explicit EndConnectionsStep(const Params& p)
      : instance_(instance_config(p.resource("instance"))), database_(name_param(p, "database")) {}

  std::string list_sql() const {
    return fmt::format(
        "SELECT session_id, login_name, program_name FROM sys.dm_exec_sessions\n"
        "WHERE database_id = DB_ID({}) AND session_id <> @@SPID ORDER BY session_id;",
        quote_literal(database_));
  }
  std::string kill_sql() const {
    return fmt::format(
        "DECLARE @k nvarchar(max) = N'';\n"
        "SELECT @k += N'KILL ' + CAST(session_id AS nvarchar(10)) + N';'\n"
        "FROM sys.dm_exec_sessions WHERE database_id = DB_ID({}) AND session_id <> @@SPID;\n"
        "EXEC(@k);",
        quote_literal(database_));
  }

  Plan plan(Context& ctx) override {
    try {
      Instance sql(ctx, instance_);
      auto r = sql.execute(list_sql());
      std::size_t n = r.result_sets.empty() ? 0 : r.result_sets[0].rows.size();
      if (n == 0)
        return {fmt::format("no session uses {} on {}: nothing to end", database_, instance_.name), {list_sql()}, true};
      return {fmt::format("end {} session(s) using {} on {}", n, database_, instance_.name), {kill_sql()}};
    } catch (const StepError& e) {
      return {fmt::format("end the sessions using {} on {}{}", database_, instance_.name, unreadable_note(e)),
              {kill_sql()}};
    }
  }

  boost::json::object run(Context& ctx) override {
    Instance sql(ctx, instance_);
    auto r = sql.execute(list_sql());
    boost::json::array sessions;
    if (!r.result_sets.empty()) {
      const auto& rs = r.result_sets[0];
      for (std::size_t i = 0; i < rs.rows.size(); ++i) {
        sessions.push_back(boost::json::object{{"session_id", rs.text(i, "session_id")},
                                               {"login_name", rs.text(i, "login_name")},
                                               {"program_name", rs.text(i, "program_name")}});
      }
    }
    if (!sessions.empty()) {
      ctx.log().info(fmt::format("{}: ending {} session(s) in {}", instance_.name, sessions.size(), database_));
      try {
        sql.execute_raw(kill_sql());
      } catch (const SqlError& e) {
        // 6106: the session ended on its own between the list and the KILL.
        if (!e.has_number(6106)) sql.fail(e, "KILL sessions of " + database_);
      }
    } else {
      ctx.log().info(fmt::format("{}: no session uses {}", instance_.name, database_));
    }
    auto left = sql.execute(list_sql());
    std::size_t remaining = left.result_sets.empty() ? 0 : left.result_sets[0].rows.size();
    if (remaining > 0)
      throw StepError(fmt::format("{}: {} session(s) still use {} after KILL", instance_.name, remaining, database_),
                      Retryable::yes, "sqlserver.sessions_remain");
    boost::json::object out;
    out["ended"] = static_cast<std::int64_t>(sessions.size());
    out["sessions"] = std::move(sessions);
    return out;
  }

 private:
  InstanceConfig instance_;
  std::string database_;
};

}  // namespace

void register_end_connections(Registry& r) {
  r.add_step({.name = "end_connections",
              .summary = "End every session using a database (KILL), for exclusive access",
              .effect = Effect::mutating,
              .params = {instance_param(), database_param()},
              .description = "Lists sys.dm_exec_sessions of the database (except drkit's own) and KILLs them. "
                             "Outputs: ended (count), sessions (id, login, program)."},
             [](const Params& p) { return std::make_unique<EndConnectionsStep>(p); });
}

}  // namespace drkit::sqlserver
