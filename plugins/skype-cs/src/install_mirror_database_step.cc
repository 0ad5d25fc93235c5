// skype-cs.install_mirror_database: Install-CsMirrorDatabase for the Persistent Chat store.
#include <optional>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "cs_queries.h"
#include "drkit/component.hpp"
#include "drkit/errors.hpp"
#include "ps_quote.h"
#include "ps_script.h"
#include "shell.h"
#include "skype_cs_components.h"

namespace drkit::skype_cs {

namespace {

struct Config {
  ShellConfig shell;
  std::string database_type;
  bool configured_databases = false;
  std::string sql_server_fqdn;
  std::optional<std::string> sql_instance_name;
  std::string file_share;
  bool drop_existing = false;
  std::optional<std::string> report;
  bool for_instance = false;
  bool for_default_instance = false;
  std::optional<std::string> pool_fqdn;
};

// What the idempotence check saw.
struct MirrorCheck {
  std::string store;  // the pool's active store, "PersistentChatStore:sql.contoso.com"
  std::optional<MirrorStateRow> state;
};

class InstallMirrorDatabaseStep final : public Step {
 public:
  explicit InstallMirrorDatabaseStep(Config c) : c_(std::move(c)) {}

  Plan plan(Context& ctx) override {
    std::string note;
    if (can_check()) {
      try {
        auto check = read_check(ctx);
        if (already_installed(check))
          return {fmt::format("{} of pool {} is already mirrored on {} (principal: {}): nothing to do",
                              c_.database_type, *c_.pool_fqdn, store_name(), check.state->principal_side()),
                  {check_script()}, true};
        note = fmt::format(" (the pool's store is {}, mirroring: {})", check.store.empty() ? "unknown" : check.store,
                           check.state && check.state->mirrored() ? "yes" : "no");
      } catch (const StepError& e) {
        note = fmt::format(" (current mirroring unknown: {})", e.what());
      }
    }
    return {fmt::format("install the mirror of {} on the mirror of {}{}",
                        c_.configured_databases ? "the configured databases" : c_.database_type,
                        store_name(), note),
            {install_script()}};
  }

  boost::json::object run(Context& ctx) override {
    if (can_check()) {
      auto check = read_check(ctx);
      if (already_installed(check)) {
        ctx.log().info(fmt::format("{} of pool {} is already mirrored: nothing to do", c_.database_type,
                                   *c_.pool_fqdn));
        return outputs(false, check.state->principal_side());
      }
      ctx.cancellation().throw_if_cancelled();
    }
    auto out = run_shell_script(ctx, c_.shell, install_script(), "Install-CsMirrorDatabase");
    if (!can_check()) return outputs(true, "");
    auto check = parse_check(out);
    if (!check.state || !check.state->mirrored())
      throw StepError(fmt::format("Install-CsMirrorDatabase ran, but Get-CsDatabaseMirrorState -PoolFqdn {} "
                                  "-DatabaseType {} does not report a mirror",
                                  *c_.pool_fqdn, c_.database_type),
                      Retryable::no, "cs.verify_failed");
    return outputs(true, check.state->principal_side());
  }

 private:
  bool can_check() const { return c_.pool_fqdn.has_value() && !c_.configured_databases; }

  std::string store_name() const {
    return c_.sql_instance_name ? c_.sql_server_fqdn + "\\" + *c_.sql_instance_name : c_.sql_server_fqdn;
  }

  // The pool's active store must be this SQL Server for its mirror state to count.
  bool already_installed(const MirrorCheck& check) const {
    auto colon = check.store.rfind(':');
    std::string store = colon == std::string::npos ? check.store : check.store.substr(colon + 1);
    return iequals(store, store_name()) && check.state && check.state->mirrored();
  }

  boost::json::object outputs(bool changed, const std::string& principal) const {
    return {{"database_type", c_.configured_databases ? "configured" : c_.database_type},
            {"sql_server", store_name()},
            {"changed", changed},
            {"principal", principal}};
  }

  std::string check_statement() const {
    std::string pool = ps_quote(*c_.pool_fqdn);
    return fmt::format(
               "[pscustomobject]@{{ Store = @(Get-CsService -PersistentChatServer -PoolFqdn {} | "
               "ForEach-Object {{ [string]$_.PersistentChatStore }}); Mirror = @(Get-CsDatabaseMirrorState "
               "-PoolFqdn {} -DatabaseType {}{}) }}",
               pool, pool, ps_quote(c_.database_type), project({"StateOnPrimary", "StateOnMirror"})) +
           std::string(kToJson);
  }
  std::string check_script() const { return wrap_script(c_.shell.module_import, {check_statement()}); }

  MirrorCheck read_check(Context& ctx) const {
    return parse_check(run_shell_script(ctx, c_.shell, check_script(), "Get-CsDatabaseMirrorState"));
  }

  static MirrorCheck parse_check(const boost::json::value& v) {
    MirrorCheck check;
    if (!v.is_object()) return check;
    const auto& o = v.get_object();
    if (auto s = o.if_contains("Store")) {
      if (s->is_string()) check.store = std::string(s->get_string());
      if (s->is_array() && !s->get_array().empty() && s->get_array()[0].is_string())
        check.store = std::string(s->get_array()[0].get_string());
    }
    if (auto m = o.if_contains("Mirror")) {
      const boost::json::value* row = m;
      if (m->is_array()) row = m->get_array().empty() ? nullptr : &m->get_array()[0];
      if (row && row->is_object()) {
        MirrorStateRow r;
        if (auto p = row->get_object().if_contains("StateOnPrimary"); p && p->is_string())
          r.state_on_primary = std::string(p->get_string());
        if (auto p = row->get_object().if_contains("StateOnMirror"); p && p->is_string())
          r.state_on_mirror = std::string(p->get_string());
        check.state = r;
      }
    }
    return check;
  }

  std::string install_script() const {
    std::string cmd = "Install-CsMirrorDatabase";
    cmd += c_.configured_databases ? " -ConfiguredDatabases" : " -DatabaseType " + ps_quote(c_.database_type);
    cmd += " -SqlServerFqdn " + ps_quote(c_.sql_server_fqdn);
    if (c_.sql_instance_name) cmd += " -SqlInstanceName " + ps_quote(*c_.sql_instance_name);
    cmd += " -FileShare " + ps_quote(c_.file_share);
    if (c_.drop_existing) cmd += " -DropExistingDatabasesOnMirror";
    if (c_.for_instance) cmd += " -ForInstance";
    if (c_.for_default_instance) cmd += " -ForDefaultInstance";
    if (c_.report) cmd += " -Report " + ps_quote(*c_.report);
    std::vector<std::string> statements{cmd};
    if (can_check()) statements.push_back(check_statement());
    return wrap_script(c_.shell.module_import, statements);
  }

  Config c_;
};

}  // namespace

void register_install_mirror_database(Registry& r) {
  r.add_step(
      {.name = "install_mirror_database",
       .summary = "Install the Persistent Chat mirror database (Install-CsMirrorDatabase)",
       .effect = Effect::mutating,
       .params = {shell_param_spec(),
                  {.name = "sql_server_fqdn", .required = true,
                   .description = "the principal SQL Server whose store gets a mirror (after a "
                                  "failover: the backup instance)"},
                  {.name = "sql_instance_name", .description = "its named instance, if any"},
                  {.name = "file_share", .required = true,
                   .description = "UNC share both SQL Servers can use for the initial backup"},
                  {.name = "database_type", .default_value = "PersistentChat",
                   .allowed = {"PersistentChat", "PersistentChatCompliance"},
                   .description = "the database to mirror"},
                  {.name = "configured_databases", .type = ParamType::boolean, .default_value = false,
                   .description = "-ConfiguredDatabases: every database configured on the server "
                                  "instead of `database_type`"},
                  {.name = "drop_existing", .type = ParamType::boolean, .default_value = false,
                   .description = "-DropExistingDatabasesOnMirror: replace databases already on the mirror"},
                  {.name = "report", .description = "-Report: where the cmdlet writes its report"},
                  {.name = "for_instance", .type = ParamType::boolean, .default_value = false,
                   .description = "-ForInstance (with configured_databases)"},
                  {.name = "for_default_instance", .type = ParamType::boolean, .default_value = false,
                   .description = "-ForDefaultInstance (with configured_databases)"},
                  {.name = "pool_fqdn",
                   .description = "the Persistent Chat pool: enables the idempotence check "
                                  "(Get-CsDatabaseMirrorState) and the verification"}},
       .description =
           "With `pool_fqdn`, a no-op when the pool's current store is `sql_server_fqdn` and "
           "Get-CsDatabaseMirrorState reports it mirrored; the state is read back afterwards. "
           "Without it the cmdlet always runs: re-running then needs drop_existing. Outputs "
           "database_type, sql_server, changed, principal."},
      [](const Params& p) -> std::unique_ptr<Step> {
        Config c{ShellConfig::from_params(p)};
        c.sql_server_fqdn = p.string("sql_server_fqdn");
        validate_fqdn("sql_server_fqdn", c.sql_server_fqdn);
        if (p.has("sql_instance_name")) {
          c.sql_instance_name = p.string("sql_instance_name");
          validate_sql_instance("sql_instance_name", *c.sql_instance_name);
        }
        c.file_share = p.string("file_share");
        validate_unc_path("file_share", c.file_share);
        c.database_type = p.string_or("database_type", "PersistentChat");
        c.configured_databases = p.boolean_or("configured_databases", false);
        c.drop_existing = p.boolean_or("drop_existing", false);
        c.for_instance = p.boolean_or("for_instance", false);
        c.for_default_instance = p.boolean_or("for_default_instance", false);
        if ((c.for_instance || c.for_default_instance) && !c.configured_databases)
          throw ConfigError("install_mirror_database: for_instance and for_default_instance need configured_databases: true");
        if (p.has("report")) {
          c.report = p.string("report");
          validate_single_line("report", *c.report);
        }
        if (p.has("pool_fqdn")) {
          c.pool_fqdn = p.string("pool_fqdn");
          validate_fqdn("pool_fqdn", *c.pool_fqdn);
        }
        return std::make_unique<InstallMirrorDatabaseStep>(std::move(c));
      });
}

}  // namespace drkit::skype_cs
