// The sqlserver probes: read-only checks for guards, verify, wait_until and `drkit probe`.
#include <boost/json.hpp>

#include "chain_analysis.hpp"
#include "component_support.hpp"
#include "queries.hpp"

namespace drkit::sqlserver {

namespace {

// sqlserver.reachable: logs in and runs SELECT @@SERVERNAME. Never throws: "not reachable"
// is an answer (failover guards expect the primary to be down).
class ReachableProbe final : public Probe {
 public:
  explicit ReachableProbe(const Params& p) : instance_(instance_config(p.resource("instance"))) {}
  ProbeResult check(Context& ctx) override {
    Instance sql(ctx, instance_);
    try {
      auto r = sql.execute("SELECT @@SERVERNAME AS name;");
      std::string name = r.result_sets.empty() || r.result_sets[0].rows.empty() ? "" : r.result_sets[0].text(0, "name");
      return {true, boost::json::value(true), fmt::format("{} is reachable (server {})", instance_.name, name)};
    } catch (const StepError& e) {
      if (e.code() == "sql.18456") throw;  // reachable, but the login is wrong: a configuration fault
      return {false, boost::json::value(false), fmt::format("{} is not reachable: {}", instance_.name, e.what())};
    }
  }

 private:
  InstanceConfig instance_;
};

class DatabaseStateProbe final : public Probe {
 public:
  explicit DatabaseStateProbe(const Params& p)
      : instance_(instance_config(p.resource("instance"))),
        database_(name_param(p, "database")),
        expected_(p.string_or("state", "")) {}
  ProbeResult check(Context& ctx) override {
    Instance sql(ctx, instance_);
    auto st = read_database_state(sql, database_);
    std::string value = !st.exists ? "MISSING" : st.is_in_standby ? "STANDBY" : st.state_desc;
    bool ok = expected_.empty() ? st.exists : iequals(value, expected_);
    return {ok, boost::json::value(value), fmt::format("{}: {} is {}", instance_.name, database_, st.describe())};
  }

 private:
  InstanceConfig instance_;
  std::string database_;
  std::string expected_;
};

class LogShippingStatusProbe final : public Probe {
 public:
  explicit LogShippingStatusProbe(const Params& p)
      : instance_(instance_config(p.resource("instance"))), database_(name_param(p, "database")) {}
  std::string sql_text() const {
    return fmt::format(
        "SELECT m.primary_server, m.primary_database, m.last_copied_file, m.last_copied_date,\n"
        "       m.last_restored_file, m.last_restored_date, m.last_restored_latency, m.restore_threshold,\n"
        "       DATEDIFF(minute, m.last_restored_date, GETDATE()) AS minutes_since_restore\n"
        "FROM msdb.dbo.log_shipping_monitor_secondary m WHERE m.secondary_database = {};",
        quote_literal(database_));
  }
  ProbeResult check(Context& ctx) override {
    Instance sql(ctx, instance_);
    auto r = sql.execute(sql_text());
    if (r.result_sets.empty() || r.result_sets[0].rows.empty())
      return {false, boost::json::value(boost::json::object{{"configured", false}}),
              fmt::format("{}: {} is not a log-shipping secondary", instance_.name, database_)};
    const auto& rs = r.result_sets[0];
    boost::json::object v{{"configured", true}};
    for (const char* c : {"primary_server", "primary_database", "last_copied_file", "last_copied_date",
                          "last_restored_file", "last_restored_date", "last_restored_latency", "restore_threshold",
                          "minutes_since_restore"}) {
      const auto& x = rs.at(0, c);
      v[c] = x ? boost::json::value(*x) : nullptr;
    }
    // Healthy: something was restored within the restore threshold.
    bool ok = false;
    try {
      const auto& since = rs.at(0, "minutes_since_restore");
      ok = since && std::stoll(*since) <= std::stoll(rs.text(0, "restore_threshold", "45"));
    } catch (const std::exception&) {
      ok = false;
    }
    return {ok, boost::json::value(std::move(v)),
            fmt::format("{}: {} last restored {} ({} min ago), last copied {}", instance_.name, database_,
                        rs.text(0, "last_restored_file", "nothing"), rs.text(0, "minutes_since_restore", "?"),
                        rs.text(0, "last_copied_file", "nothing"))};
  }

 private:
  InstanceConfig instance_;
  std::string database_;
};

class MirroringStateProbe final : public Probe {
 public:
  explicit MirroringStateProbe(const Params& p)
      : instance_(instance_config(p.resource("instance"))),
        database_(name_param(p, "database")),
        expected_(p.string_or("state", "")) {}
  ProbeResult check(Context& ctx) override {
    Instance sql(ctx, instance_);
    auto m = read_mirroring(sql, database_);
    bool ok = expected_.empty() ? m.mirrored : iequals(m.mirrored ? m.state : "NONE", expected_);
    std::string text = !m.database_exists ? "does not exist"
                       : m.mirrored       ? fmt::format("{} {} with {}", m.role, m.state, m.partner_name)
                                          : "not mirrored";
    return {ok, boost::json::value(m.to_json()), fmt::format("{}: {} {}", instance_.name, database_, text)};
  }

 private:
  InstanceConfig instance_;
  std::string database_;
  std::string expected_;
};

class LogChainProbe final : public Probe {
 public:
  explicit LogChainProbe(const Params& p)
      : instance_(instance_config(p.resource("instance"))), database_(name_param(p, "database")) {
    scan_.folder = path_param(p, "folder");
    if (p.has("local_folder")) scan_.local_folder = p.string("local_folder");
    scan_.extension = p.string("extension");
  }
  ProbeResult check(Context& ctx) override {
    Instance sql(ctx, instance_);
    auto a = analyze_log_chain(ctx, sql, database_, scan_);
    return {!a.blocked(), boost::json::value(a.to_json()), fmt::format("{}: {}: {}", instance_.name, database_, a.summary())};
  }

 private:
  InstanceConfig instance_;
  std::string database_;
  ScanOptions scan_;
};

class OrphanedUsersProbe final : public Probe {
 public:
  explicit OrphanedUsersProbe(const Params& p)
      : instance_(instance_config(p.resource("instance"))), database_(name_param(p, "database")) {}
  ProbeResult check(Context& ctx) override {
    Instance sql(ctx, instance_);
    auto users = read_orphaned_users(sql, database_);
    boost::json::array names;
    std::string list;
    for (const auto& u : users) {
      names.push_back(boost::json::value(u.name));
      list += (list.empty() ? "" : ", ") + u.name;
    }
    return {users.empty(), boost::json::value(std::move(names)),
            users.empty() ? fmt::format("{}: {} has no orphaned users", instance_.name, database_)
                          : fmt::format("{}: {} has {} orphaned user(s): {}", instance_.name, database_, users.size(), list)};
  }

 private:
  InstanceConfig instance_;
  std::string database_;
};

class BrokerEnabledProbe final : public Probe {
 public:
  explicit BrokerEnabledProbe(const Params& p)
      : instance_(instance_config(p.resource("instance"))), database_(name_param(p, "database")) {}
  ProbeResult check(Context& ctx) override {
    Instance sql(ctx, instance_);
    auto st = read_database_state(sql, database_);
    if (!st.exists) throw StepError(fmt::format("{}: database {} does not exist", instance_.name, database_));
    return {st.broker_enabled, boost::json::value(st.broker_enabled),
            fmt::format("{}: Service Broker is {} in {}", instance_.name, st.broker_enabled ? "enabled" : "DISABLED",
                        database_)};
  }

 private:
  InstanceConfig instance_;
  std::string database_;
};

template <class T>
ProbeFactory make() {
  return [](const Params& p) { return std::make_unique<T>(p); };
}

}  // namespace

void register_probes(Registry& r) {
  ParamSpec folder{.name = "folder", .required = true, .description = "Folder of the log backups, as the server sees it"};
  ParamSpec local{.name = "local_folder", .description = "The same folder as drkit sees it: list it locally"};
  ParamSpec extension{.name = "extension", .default_value = ".trn", .description = "Log backup file extension"};
  r.add_probe({.name = "reachable",
               .summary = "The instance accepts a login and answers SELECT @@SERVERNAME",
               .params = {instance_param()},
               .description = "value: true/false. A refused login is an error, not 'unreachable'."},
              make<ReachableProbe>());
  r.add_probe({.name = "database_state",
               .summary = "A database's state: ONLINE, RESTORING, STANDBY, MISSING, ...",
               .params = {instance_param(), database_param(),
                          {.name = "state", .description = "Expected state (ok when equal); default: ok when it exists"}},
               .description = "value: the state text (STANDBY for a read-only standby database)."},
              make<DatabaseStateProbe>());
  r.add_probe({.name = "log_shipping_status",
               .summary = "Last copied and restored log backup of a secondary, and the restore latency",
               .params = {instance_param("instance", "The log-shipping secondary."), database_param()},
               .description = "From msdb.dbo.log_shipping_monitor_secondary. ok: a restore within restore_threshold."},
              make<LogShippingStatusProbe>());
  r.add_probe({.name = "mirroring_state",
               .summary = "Mirroring role, state and partner of a database",
               .params = {instance_param(), database_param(),
                          {.name = "state", .description = "Expected mirroring state (NONE = not mirrored)"}},
               .description = "value: {mirrored, role, state, partner_name, partner_instance}."},
              make<MirroringStateProbe>());
  r.add_probe({.name = "log_chain",
               .summary = "The log restore plan only: pending backups, gaps, expected data loss",
               .params = {instance_param(), database_param(), folder, local, extension},
               .description = "Runs apply_log_backups' planning (xp_dirtree, RESTORE HEADERONLY) without restoring. "
                              "ok: no gap and no foreign recovery fork."},
              make<LogChainProbe>());
  r.add_probe({.name = "orphaned_users",
               .summary = "Database users whose SID matches no login",
               .params = {instance_param(), database_param()},
               .description = "value: the user names; ok when there are none."},
              make<OrphanedUsersProbe>());
  r.add_probe({.name = "broker_enabled",
               .summary = "Whether Service Broker is enabled in a database (restores turn it off)",
               .params = {instance_param(), database_param()},
               .description = "value: true/false."},
              make<BrokerEnabledProbe>());
}

}  // namespace drkit::sqlserver
