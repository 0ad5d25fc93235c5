// sqlserver.remove_log_shipping_secondary: sp_delete_log_shipping_secondary_database on the
// secondary. A no-op when the database is not a log-shipping secondary. Its outputs hold the
// configuration it removed, read just before removing it (pitfall 1).
#include <boost/json.hpp>

#include "component_support.hpp"
#include "queries.hpp"

namespace drkit::sqlserver {

namespace {

class RemoveLogShippingSecondaryStep final : public Step {
 public:
  explicit RemoveLogShippingSecondaryStep(const Params& p)
      : instance_(instance_config(p.resource("instance"))), database_(name_param(p, "database")) {}

  std::string remove_sql() const {
    return fmt::format("EXEC master.dbo.sp_delete_log_shipping_secondary_database @secondary_database = {};",
                       quote_literal(database_));
  }

  Plan plan(Context& ctx) override {
    try {
      Instance sql(ctx, instance_);
      auto ls = read_log_shipping_secondary(sql, database_);
      if (!ls.configured)
        return {fmt::format("{} on {} is not a log-shipping secondary: nothing to remove", database_, instance_.name),
                {log_shipping_secondary_sql(database_)}, true};
      return {fmt::format("remove log shipping of {} (from {}.{}) on {}", database_, ls.primary_server,
                          ls.primary_database, instance_.name),
              {log_shipping_secondary_sql(database_), remove_sql()}};
    } catch (const StepError& e) {
      return {fmt::format("remove log shipping of {} on {}{}", database_, instance_.name, unreadable_note(e)),
              {log_shipping_secondary_sql(database_), remove_sql()}};
    }
  }

  boost::json::object run(Context& ctx) override {
    Instance sql(ctx, instance_);
    auto ls = read_log_shipping_secondary(sql, database_);
    boost::json::object out;
    out["removed"] = false;
    out["configuration"] = ls.to_json();
    if (!ls.configured) {
      ctx.log().info(fmt::format("{}: {} is not a log-shipping secondary: nothing to remove", instance_.name, database_));
      return out;
    }
    ctx.log().info(fmt::format("{}: removing log shipping of {} (primary {}.{}, last restored {})", instance_.name,
                               database_, ls.primary_server, ls.primary_database, ls.last_restored_file));
    sql.execute(remove_sql());
    if (read_log_shipping_secondary(sql, database_).configured)
      throw StepError(fmt::format("{}: sp_delete_log_shipping_secondary_database returned but {} is still configured",
                                  instance_.name, database_));
    out["removed"] = true;
    return out;
  }

 private:
  InstanceConfig instance_;
  std::string database_;
};

}  // namespace

void register_remove_log_shipping_secondary(Registry& r) {
  r.add_step({.name = "remove_log_shipping_secondary",
              .summary = "Remove a database's log-shipping secondary configuration (no-op when absent)",
              .effect = Effect::mutating,
              .params = {instance_param("instance", "The log-shipping secondary instance."), database_param()},
              .description =
                  "EXEC master.dbo.sp_delete_log_shipping_secondary_database. Works without the primary. "
                  "Outputs: removed (false when nothing was configured), configuration (the msdb rows as "
                  "they were before removal)."},
             [](const Params& p) { return std::make_unique<RemoveLogShippingSecondaryStep>(p); });
}

}  // namespace drkit::sqlserver
