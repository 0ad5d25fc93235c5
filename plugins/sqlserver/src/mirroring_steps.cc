// sqlserver.remove_mirroring and sqlserver.establish_mirroring: ALTER DATABASE ... SET PARTNER.
#include <boost/json.hpp>

#include "component_support.hpp"
#include "log_chain.hpp"
#include "queries.hpp"

namespace drkit::sqlserver {

namespace {

class RemoveMirroringStep final : public Step {
 public:
  explicit RemoveMirroringStep(const Params& p)
      : instance_(instance_config(p.resource("instance"))), database_(name_param(p, "database")) {}

  std::string off_sql() const { return fmt::format("ALTER DATABASE {} SET PARTNER OFF;", quote_name(database_)); }

  Plan plan(Context& ctx) override {
    try {
      Instance sql(ctx, instance_);
      auto m = read_mirroring(sql, database_);
      if (!m.mirrored)
        return {fmt::format("{} on {} is not mirrored: nothing to remove", database_, instance_.name),
                {mirroring_sql(database_)}, true};
      return {fmt::format("remove mirroring of {} on {} ({} of {}, {})", database_, instance_.name, m.role,
                          m.partner_name, m.state),
              {off_sql()}};
    } catch (const StepError& e) {
      return {fmt::format("remove mirroring of {} on {}{}", database_, instance_.name, unreadable_note(e)), {off_sql()}};
    }
  }

  boost::json::object run(Context& ctx) override {
    Instance sql(ctx, instance_);
    auto m = read_mirroring(sql, database_);
    boost::json::object out;
    out["before"] = m.to_json();
    if (!m.database_exists)
      throw StepError(fmt::format("{}: database {} does not exist", instance_.name, database_), Retryable::no, "sql.911");
    if (!m.mirrored) {
      ctx.log().info(fmt::format("{}: {} is not mirrored: nothing to remove", instance_.name, database_));
      out["removed"] = false;
      return out;
    }
    sql.execute(off_sql());
    if (read_mirroring(sql, database_).mirrored)
      throw StepError(fmt::format("{}: {} is still mirrored after SET PARTNER OFF", instance_.name, database_));
    out["removed"] = true;
    return out;
  }

 private:
  InstanceConfig instance_;
  std::string database_;
};

class EstablishMirroringStep final : public Step {
 public:
  explicit EstablishMirroringStep(const Params& p)
      : principal_(instance_config(p.resource("principal"))),
        mirror_(instance_config(p.resource("mirror"))),
        database_(name_param(p, "database")),
        principal_address_(p.string("principal_address")),
        mirror_address_(p.string("mirror_address")) {
    for (const auto* a : {&principal_address_, &mirror_address_}) {
      validate_literal(*a, "partner address", 256);
      if (a->rfind("TCP://", 0) != 0)
        throw ConfigError(fmt::format("partner address '{}' must look like TCP://host.fqdn:5022", *a));
    }
  }

  std::string partner_sql(const std::string& address) const {
    return fmt::format("ALTER DATABASE {} SET PARTNER = {};", quote_name(database_), quote_literal(address));
  }

  // Already established: the principal mirrors to the mirror's address.
  bool done(const MirroringState& p) const {
    return p.mirrored && p.role == "PRINCIPAL" && iequals(p.partner_name, mirror_address_);
  }

  Plan plan(Context& ctx) override {
    try {
      Instance p(ctx, principal_);
      if (done(read_mirroring(p, database_)))
        return {fmt::format("{} on {} already mirrors to {}: nothing to do", database_, principal_.name, mirror_address_),
                {mirroring_sql(database_)}, true};
    } catch (const StepError&) {
      // Plan the statements anyway.
    }
    return {fmt::format("mirror {} from {} to {} (mirror side first)", database_, principal_.name, mirror_.name),
            {"-- on " + mirror_.name + "\n" + partner_sql(principal_address_),
             "-- on " + principal_.name + "\n" + partner_sql(mirror_address_)}};
  }

  boost::json::object run(Context& ctx) override {
    Instance p(ctx, principal_);
    Instance m(ctx, mirror_);
    boost::json::object out;
    auto pm = read_mirroring(p, database_);
    if (done(pm)) {
      ctx.log().info(fmt::format("{}: {} already mirrors to {}", principal_.name, database_, mirror_address_));
      out["established"] = false;
      out["principal"] = pm.to_json();
      return out;
    }
    if (pm.mirrored)
      throw StepError(fmt::format("{}: {} is already mirrored ({} with {}); remove that mirroring first",
                                  principal_.name, database_, pm.role, pm.partner_name),
                      Retryable::no, "sqlserver.already_mirrored");
    auto mm = read_mirroring(m, database_);
    bool mirror_ready = mm.mirrored && mm.role == "MIRROR" && iequals(mm.partner_name, principal_address_);
    if (!mirror_ready) {
      auto st = read_database_state(m, database_);
      if (!st.exists || st.state_desc != "RESTORING")
        throw StepError(fmt::format("{}: the mirror database {} must exist and be RESTORING (restore a full and a log "
                                    "backup WITH NORECOVERY first); it is {}",
                                    mirror_.name, database_, st.describe()),
                        Retryable::no, "sqlserver.mirror_not_restoring");
      m.execute(partner_sql(principal_address_));
    }
    p.execute(partner_sql(mirror_address_));
    auto after = read_mirroring(p, database_);
    out["established"] = true;
    out["principal"] = after.to_json();
    out["mirror"] = read_mirroring(m, database_).to_json();
    return out;
  }

 private:
  InstanceConfig principal_;
  InstanceConfig mirror_;
  std::string database_;
  std::string principal_address_;
  std::string mirror_address_;
};

}  // namespace

void register_mirroring_steps(Registry& r) {
  r.add_step({.name = "remove_mirroring",
              .summary = "Remove database mirroring (ALTER DATABASE ... SET PARTNER OFF); no-op when not mirrored",
              .effect = Effect::mutating,
              .params = {instance_param("instance", "Either partner."), database_param()},
              .description = "Works on either partner, also when the other one is down. Outputs: removed, before."},
             [](const Params& p) { return std::make_unique<RemoveMirroringStep>(p); });
  r.add_step({.name = "establish_mirroring",
              .summary = "Set up database mirroring: SET PARTNER on the mirror, then on the principal",
              .effect = Effect::mutating,
              .params = {instance_param("principal", "The instance with the ONLINE database."),
                         instance_param("mirror", "The instance with the database RESTORING (NORECOVERY)."),
                         database_param(),
                         {.name = "principal_address", .required = true,
                          .description = "The principal's mirroring endpoint, TCP://host.fqdn:5022"},
                         {.name = "mirror_address", .required = true,
                          .description = "The mirror's mirroring endpoint, TCP://host.fqdn:5022"}},
              .description = "No-op when the principal already mirrors to mirror_address. Outputs: established, "
                             "principal and mirror (role, state, partner)."},
             [](const Params& p) { return std::make_unique<EstablishMirroringStep>(p); });
}

}  // namespace drkit::sqlserver
