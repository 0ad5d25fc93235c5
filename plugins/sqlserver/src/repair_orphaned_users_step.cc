// sqlserver.repair_orphaned_users: maps database users whose SID matches no login (after a
// restore on another instance, pitfall 7) back to the login of the same name, or the one
// `logins` names, with ALTER USER ... WITH LOGIN. Users without a matching login are reported.
#include <boost/json.hpp>

#include "component_support.hpp"
#include "queries.hpp"

namespace drkit::sqlserver {

namespace {

class RepairOrphanedUsersStep final : public Step {
 public:
  explicit RepairOrphanedUsersStep(const Params& p)
      : instance_(instance_config(p.resource("instance"))), database_(name_param(p, "database")) {
    if (p.has("logins")) {
      for (const auto& [user, login] : p.object("logins")) {
        if (!login.is_string()) throw ConfigError(fmt::format("logins.{}: the login must be a string", std::string(user)));
        validate_name(user, "logins (user)");
        validate_name(login.as_string(), "logins (login)");
        logins_.emplace_back(std::string(user), std::string(login.as_string()));
      }
    }
  }

  std::string login_for(const std::string& user) const {
    for (const auto& [u, l] : logins_)
      if (u == user) return l;
    return user;
  }
  std::string fix_sql(const std::string& user, const std::string& login) const {
    return fmt::format("USE {};\nALTER USER {} WITH LOGIN = {};\nUSE [master];", quote_name(database_),
                       quote_name(user), quote_name(login));
  }
  static std::string login_exists_sql(const std::string& login) {
    return fmt::format("SELECT name FROM sys.server_principals WHERE name = {};", quote_literal(login));
  }

  Plan plan(Context& ctx) override {
    try {
      Instance sql(ctx, instance_);
      auto orphans = read_orphaned_users(sql, database_);
      if (orphans.empty())
        return {fmt::format("{} on {} has no orphaned users: nothing to repair", database_, instance_.name),
                {orphaned_users_sql(database_)}, true};
      Plan p{fmt::format("map {} orphaned user(s) of {} on {} to their logins", orphans.size(), database_,
                         instance_.name)};
      for (const auto& o : orphans) p.actions.push_back(fix_sql(o.name, login_for(o.name)));
      return p;
    } catch (const StepError& e) {
      return {fmt::format("map the orphaned users of {} on {} to logins{}", database_, instance_.name,
                          unreadable_note(e)),
              {orphaned_users_sql(database_), fix_sql("<user>", "<login>")}};
    }
  }

  boost::json::object run(Context& ctx) override {
    Instance sql(ctx, instance_);
    auto orphans = read_orphaned_users(sql, database_);
    boost::json::array fixed, missing;
    for (const auto& o : orphans) {
      std::string login = login_for(o.name);
      auto r = sql.execute(login_exists_sql(login));
      if (r.result_sets.empty() || r.result_sets[0].rows.empty()) {
        ctx.log().warn(fmt::format("{}: user {} of {} has no login {}: create it, or map it with `logins`",
                                   instance_.name, o.name, database_, login));
        missing.push_back(boost::json::object{{"user", o.name}, {"login", login}});
        continue;
      }
      sql.execute(fix_sql(o.name, login));
      fixed.push_back(boost::json::object{{"user", o.name}, {"login", login}});
    }
    boost::json::object out;
    out["fixed"] = std::move(fixed);
    out["without_login"] = std::move(missing);
    out["remaining"] = static_cast<std::int64_t>(read_orphaned_users(sql, database_).size());
    return out;
  }

 private:
  InstanceConfig instance_;
  std::string database_;
  std::vector<std::pair<std::string, std::string>> logins_;
};

}  // namespace

void register_repair_orphaned_users(Registry& r) {
  r.add_step({.name = "repair_orphaned_users",
              .summary = "Map orphaned database users to logins (ALTER USER ... WITH LOGIN)",
              .effect = Effect::mutating,
              .params = {instance_param(), database_param(),
                         {.name = "logins", .type = ParamType::object,
                          .description = "User -> login when the names differ (default: the login of the same name)"}},
              .description = "A no-op when no user is orphaned. Outputs: fixed (user, login), without_login (users "
                             "whose login does not exist), remaining (orphans left)."},
             [](const Params& p) { return std::make_unique<RepairOrphanedUsersStep>(p); });
}

}  // namespace drkit::sqlserver
