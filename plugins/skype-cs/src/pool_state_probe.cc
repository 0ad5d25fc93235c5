// skype-cs.pool_state: the Persistent Chat pool state (Get-CsPersistentChatState).
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

class PoolStateProbe final : public Probe {
 public:
  PoolStateProbe(ShellConfig shell, std::optional<std::string> pool_fqdn, std::optional<std::string> identity,
                 std::optional<std::string> state)
      : shell_(std::move(shell)), pool_fqdn_(std::move(pool_fqdn)), identity_(std::move(identity)),
        state_(std::move(state)) {}

  ProbeResult check(Context& ctx) override {
    auto rows = parse_pool_states(run_shell_script(
        ctx, shell_, wrap_script(shell_.module_import, {pool_state_query(identity_)}), "Get-CsPersistentChatState"));
    const PoolStateRow* row = find_pool_state(rows, identity_, pool_fqdn_);
    std::string name = identity_ ? *identity_ : *pool_fqdn_;
    if (!row) return {false, nullptr, fmt::format("Get-CsPersistentChatState lists no pool {}", name)};
    bool ok = !state_ || iequals(row->pool_state, *state_);
    return {ok, boost::json::value(row->pool_state),
            fmt::format("{}: {}{}", row->identity, row->pool_state,
                        ok || !state_ ? "" : fmt::format(" (expected {})", *state_))};
  }

 private:
  ShellConfig shell_;
  std::optional<std::string> pool_fqdn_;
  std::optional<std::string> identity_;
  std::optional<std::string> state_;
};

}  // namespace

void register_pool_state_probe(Registry& r) {
  r.add_probe(
      {.name = "pool_state",
       .summary = "The Persistent Chat pool state (Normal or FailedOver)",
       .effect = Effect::read_only,
       .params = {shell_param_spec(),
                  {.name = "pool_fqdn", .description = "the pool's FQDN (give this or `identity`)"},
                  {.name = "identity", .description = "the state identity, as Get-CsPersistentChatState returns it"},
                  {.name = "state", .allowed = {"Normal", "FailedOver"},
                   .description = "holds when the pool is in this state (without it: when the pool is listed)"}},
       .description = "Value: the pool state as text."},
      [](const Params& p) -> std::unique_ptr<Probe> {
        ShellConfig shell = ShellConfig::from_params(p);
        auto target = read_pool_target(p, "pool_state: give `pool_fqdn` or `identity`");
        std::optional<std::string> state;
        if (p.has("state")) state = p.string("state");
        return std::make_unique<PoolStateProbe>(std::move(shell), target.pool_fqdn, target.identity, state);
      });
}

}  // namespace drkit::skype_cs
