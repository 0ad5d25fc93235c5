// skype-cs.set_pool_state: Set-CsPersistentChatState -PoolState Normal|FailedOver, using the
// identity Get-CsPersistentChatState returns (the documented literals disagree).
#include <optional>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "cs_queries.h"
#include "drkit/component.hpp"
#include "drkit/errors.hpp"
#include "pool_target.h"
#include "ps_quote.h"
#include "ps_script.h"
#include "shell.h"
#include "skype_cs_components.h"

namespace drkit::skype_cs {

namespace {

struct Config {
  ShellConfig shell;
  std::optional<std::string> pool_fqdn;
  std::optional<std::string> identity;
  std::string state;
  bool force = true;
};

class SetPoolStateStep final : public Step {
 public:
  explicit SetPoolStateStep(Config c) : c_(std::move(c)) {}

  Plan plan(Context& ctx) override {
    std::vector<PoolStateRow> rows;
    std::string unreadable;
    try {
      rows = read(ctx);
    } catch (const StepError& e) {
      unreadable = e.what();
    }
    const PoolStateRow* row = find_pool_state(rows, c_.identity, c_.pool_fqdn);
    if (row && iequals(row->pool_state, c_.state))
      return {fmt::format("{} is already {}: nothing to do", row->identity, row->pool_state),
              {read_script()}, true};
    if (row || c_.identity) {
      std::string id = c_.identity ? *c_.identity : row->identity;
      return {fmt::format("set Persistent Chat pool state {} to {}{}", id, c_.state,
                          row ? fmt::format(" (now {})", row->pool_state)
                              : unreadable.empty() ? "" : " (current state unknown: " + unreadable + ")"),
              {set_script(ps_quote(id))}};
    }
    std::string why = unreadable.empty()
                          ? fmt::format("Get-CsPersistentChatState lists no pool {}", *c_.pool_fqdn)
                          : unreadable;
    return {fmt::format("set the Persistent Chat pool state of {} to {} (identity read at run time; now: {})",
                        *c_.pool_fqdn, c_.state, why),
            {read_script(),
             set_script(fmt::format("<Identity of {} from Get-CsPersistentChatState>", *c_.pool_fqdn))}};
  }

  boost::json::object run(Context& ctx) override {
    auto rows = read(ctx);
    const PoolStateRow* row = find_pool_state(rows, c_.identity, c_.pool_fqdn);
    if (row && iequals(row->pool_state, c_.state)) {
      ctx.log().info(fmt::format("{} is already {}: nothing to do", row->identity, row->pool_state));
      return {{"identity", row->identity}, {"pool_state", row->pool_state},
              {"previous_state", row->pool_state}, {"changed", false}};
    }
    if (!row && !c_.identity) {
      std::string seen;
      for (const auto& r : rows) seen += (seen.empty() ? "" : ", ") + r.identity;
      throw StepError(fmt::format("Get-CsPersistentChatState on shell '{}' lists no pool {} (it lists: {}); "
                                  "set `identity` if the pool is named differently",
                                  c_.shell.name, *c_.pool_fqdn, seen.empty() ? "nothing" : seen),
                      Retryable::no, "cs.pool_not_found");
    }
    std::string id = c_.identity ? *c_.identity : row->identity;
    std::string previous = row ? row->pool_state : "";
    ctx.cancellation().throw_if_cancelled();
    auto after = parse_pool_states(
        run_shell_script(ctx, c_.shell, set_script(ps_quote(id)), "Set-CsPersistentChatState"));
    const PoolStateRow* now = find_pool_state(after, id, c_.pool_fqdn);
    if (!now || !iequals(now->pool_state, c_.state))
      throw StepError(fmt::format("Set-CsPersistentChatState {} -PoolState {} ran, but Get-CsPersistentChatState reports {}",
                                  id, c_.state, now ? now->pool_state : "no such pool"),
                      Retryable::no, "cs.verify_failed");
    ctx.log().info(fmt::format("{}: pool state {} -> {}", id, previous.empty() ? "?" : previous, now->pool_state));
    return {{"identity", id}, {"pool_state", now->pool_state},
            {"previous_state", previous}, {"changed", true}};
  }

 private:
  std::vector<PoolStateRow> read(Context& ctx) const {
    return parse_pool_states(run_shell_script(ctx, c_.shell, read_script(), "Get-CsPersistentChatState"));
  }
  std::string read_script() const {
    return wrap_script(c_.shell.module_import, {pool_state_query(c_.identity)});
  }
  // `quoted_identity` is already a PowerShell literal (or a placeholder in plans).
  std::string set_script(const std::string& quoted_identity) const {
    std::string set = fmt::format("Set-CsPersistentChatState -Identity {} -PoolState {}{}",
                                  quoted_identity, ps_quote(c_.state), c_.force ? " -Force" : "");
    std::string reread = "Get-CsPersistentChatState -Identity " + quoted_identity +
                         project({"Identity", "PoolState"}) + std::string(kToJson);
    return wrap_script(c_.shell.module_import, {set, reread});
  }

  Config c_;
};

}  // namespace

void register_set_pool_state(Registry& r) {
  r.add_step(
      {.name = "set_pool_state",
       .summary = "Set the Persistent Chat pool state (Normal or FailedOver)",
       .effect = Effect::mutating,
       .params = {shell_param_spec(),
                  {.name = "state",
                   .required = true,
                   .allowed = {"Normal", "FailedOver"},
                   .description = "the pool state to reach"},
                  {.name = "pool_fqdn",
                   .description = "the Persistent Chat pool's FQDN; its identity is read from "
                                  "Get-CsPersistentChatState (give this or `identity`)"},
                  {.name = "identity",
                   .description = "the identity to pass to -Identity as is, e.g. "
                                  "service:PersistentChatServer:pchat.contoso.com"},
                  {.name = "force",
                   .type = ParamType::boolean,
                   .default_value = true,
                   .description = "pass -Force (no confirmation prompt)"}},
       .description =
           "Reads Get-CsPersistentChatState first: a no-op when the pool is already in `state`. "
           "Otherwise runs Set-CsPersistentChatState with the identity the shell returned (or "
           "`identity`), reads the state back and fails unless it is `state`. Outputs identity, "
           "pool_state, previous_state, changed."},
      [](const Params& p) -> std::unique_ptr<Step> {
        Config c{ShellConfig::from_params(p)};
        auto target = read_pool_target(p, "set_pool_state: give `pool_fqdn` (the identity is then read from "
                                          "Get-CsPersistentChatState) or `identity`");
        c.pool_fqdn = std::move(target.pool_fqdn);
        c.identity = std::move(target.identity);
        c.state = p.string("state");
        c.force = p.boolean_or("force", true);
        return std::make_unique<SetPoolStateStep>(std::move(c));
      });
}

}  // namespace drkit::skype_cs
