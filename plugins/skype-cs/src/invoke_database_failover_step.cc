// skype-cs.invoke_database_failover: Invoke-CsDatabaseFailover, moving a Persistent Chat
// database to its mirror (or back) inside one site.
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
  std::string pool_fqdn;
  std::string database_type;
  std::string new_principal;  // Primary | Mirror
  bool force = true;
};

class InvokeDatabaseFailoverStep final : public Step {
 public:
  explicit InvokeDatabaseFailoverStep(Config c) : c_(std::move(c)) {}

  Plan plan(Context& ctx) override {
    std::string note;
    try {
      auto state = read(ctx);
      if (state && state->principal_side() == c_.new_principal)
        return {fmt::format("{} of pool {} is already principal on the {}: nothing to do", c_.database_type,
                            c_.pool_fqdn, c_.new_principal),
                {read_script()}, true};
      note = state && state->mirrored() ? fmt::format(" (principal now: {})", state->principal_side())
                                        : " (Get-CsDatabaseMirrorState reports no mirroring)";
    } catch (const StepError& e) {
      note = fmt::format(" (current principal unknown: {})", e.what());
    }
    return {fmt::format("fail {} of pool {} over to the {}{}", c_.database_type, c_.pool_fqdn, c_.new_principal, note),
            {failover_script()}};
  }

  boost::json::object run(Context& ctx) override {
    auto state = read(ctx);
    std::string before = state ? state->principal_side() : "";
    if (before == c_.new_principal) {
      ctx.log().info(fmt::format("{} of pool {} is already principal on the {}: nothing to do",
                                 c_.database_type, c_.pool_fqdn, before));
      return {{"principal", before}, {"previous_principal", before}, {"changed", false}};
    }
    ctx.cancellation().throw_if_cancelled();
    auto after = parse_mirror_state(
        run_shell_script(ctx, c_.shell, failover_script(), "Invoke-CsDatabaseFailover"));
    if (!after || after->principal_side() != c_.new_principal)
      throw StepError(fmt::format("Invoke-CsDatabaseFailover ran, but the {} database of pool {} is principal on: {}",
                                  c_.database_type, c_.pool_fqdn,
                                  after && after->mirrored() ? after->principal_side() : "unknown"),
                      Retryable::no, "cs.verify_failed");
    return {{"principal", after->principal_side()}, {"previous_principal", before}, {"changed", true}};
  }

 private:
  std::optional<MirrorStateRow> read(Context& ctx) const {
    return parse_mirror_state(run_shell_script(ctx, c_.shell, read_script(), "Get-CsDatabaseMirrorState"));
  }
  std::string read_script() const {
    return wrap_script(c_.shell.module_import, {mirror_state_query(c_.pool_fqdn, c_.database_type)});
  }
  std::string failover_script() const {
    return wrap_script(c_.shell.module_import,
                       {fmt::format("Invoke-CsDatabaseFailover -PoolFqdn {} -DatabaseType {} -NewPrincipal {}{}",
                                    ps_quote(c_.pool_fqdn), ps_quote(c_.database_type),
                                    ps_quote(c_.new_principal), c_.force ? " -Force" : ""),
                        mirror_state_query(c_.pool_fqdn, c_.database_type)});
  }

  Config c_;
};

}  // namespace

void register_invoke_database_failover(Registry& r) {
  r.add_step(
      {.name = "invoke_database_failover",
       .summary = "Fail a Persistent Chat database over to its mirror, or back (Invoke-CsDatabaseFailover)",
       .effect = Effect::mutating,
       .params = {shell_param_spec(),
                  {.name = "pool_fqdn", .required = true, .description = "the Persistent Chat pool"},
                  {.name = "database_type", .default_value = "PersistentChat",
                   .allowed = {"PersistentChat", "PersistentChatCompliance"},
                   .description = "the database to fail over"},
                  {.name = "new_principal", .required = true, .allowed = {"Mirror", "Primary"},
                   .description = "which partner becomes principal"},
                  {.name = "force", .type = ParamType::boolean, .default_value = true,
                   .description = "pass -Force (no confirmation prompt)"}},
       .description =
           "Reads Get-CsDatabaseMirrorState first: a no-op when `new_principal` is already the "
           "principal. Otherwise runs Invoke-CsDatabaseFailover and reads the state back. Outputs "
           "principal, previous_principal, changed."},
      [](const Params& p) -> std::unique_ptr<Step> {
        Config c{ShellConfig::from_params(p)};
        c.pool_fqdn = p.string("pool_fqdn");
        validate_fqdn("pool_fqdn", c.pool_fqdn);
        c.database_type = p.string_or("database_type", "PersistentChat");
        c.new_principal = p.string("new_principal");
        c.force = p.boolean_or("force", true);
        return std::make_unique<InvokeDatabaseFailoverStep>(std::move(c));
      });
}

}  // namespace drkit::skype_cs
