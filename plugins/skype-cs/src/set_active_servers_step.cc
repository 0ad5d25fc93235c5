// skype-cs.set_active_servers: Set-CsPersistentChatActiveServer to a desired list, or clear
// it. The current list is read from Get-CsService -PersistentChatServer (there is no
// Get-CsPersistentChatActiveServer), so only the difference is sent (@{Add=..; Remove=..}).
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
  std::vector<std::string> servers;  // the desired list; empty with clear
  bool clear = false;
};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v)
    if (iequals(x, s)) return true;
  return false;
}

std::vector<std::string> minus(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> out;
  for (const auto& x : a)
    if (!contains(b, x) && !contains(out, x)) out.push_back(x);
  return out;
}

std::string list_literal(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + ps_quote(s);
  return out;
}

boost::json::array to_json(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

std::string show(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

class SetActiveServersStep final : public Step {
 public:
  explicit SetActiveServersStep(Config c) : c_(std::move(c)) {}

  Plan plan(Context& ctx) override {
    std::vector<ServiceRow> rows;
    std::string unreadable;
    try {
      rows = read(ctx);
    } catch (const StepError& e) {
      unreadable = e.what();
    }
    const ServiceRow* row = find_service(rows, c_.identity, c_.pool_fqdn);
    if (row) {
      auto add = minus(c_.servers, row->active_servers);
      auto remove = minus(row->active_servers, c_.servers);
      if (add.empty() && remove.empty())
        return {fmt::format("active servers of {} are already {}: nothing to do", row->identity,
                            show(row->active_servers)),
                {read_script()}, true};
      return {fmt::format("active servers of {}: {} -> {}", row->identity, show(row->active_servers),
                          show(c_.servers)),
              {diff_script(ps_quote(c_.identity ? *c_.identity : row->identity), add, remove)}};
    }
    if (c_.identity)
      return {fmt::format("set the active servers of {} to {} (current list unknown: {})", *c_.identity,
                          show(c_.servers),
                          unreadable.empty() ? "not listed by Get-CsService -PersistentChatServer" : unreadable),
              {replace_script(*c_.identity)}};
    return {fmt::format("set the active servers of pool {} to {} (identity read at run time; {})",
                        *c_.pool_fqdn, show(c_.servers),
                        unreadable.empty() ? "Get-CsService -PersistentChatServer lists no such pool" : unreadable),
            {read_script(),
             diff_script(fmt::format("<Identity of {} from Get-CsService -PersistentChatServer>", *c_.pool_fqdn),
                         c_.servers, {})}};
  }

  boost::json::object run(Context& ctx) override {
    auto rows = read(ctx);
    const ServiceRow* row = find_service(rows, c_.identity, c_.pool_fqdn);
    if (!row && !c_.identity)
      throw StepError(fmt::format("Get-CsService -PersistentChatServer on shell '{}' lists no pool {}; "
                                  "set `identity` (e.g. global on Lync Server 2013)",
                                  c_.shell.name, *c_.pool_fqdn),
                      Retryable::no, "cs.pool_not_found");
    ctx.cancellation().throw_if_cancelled();
    if (!row) {
      // The list cannot be read for this identity: clear, then add the desired servers.
      ctx.log().warn(fmt::format("the active servers of {} cannot be read: replacing the whole list", *c_.identity));
      run_shell_script(ctx, c_.shell, replace_script(*c_.identity), "Set-CsPersistentChatActiveServer");
      return {{"identity", *c_.identity}, {"active_servers", to_json(c_.servers)},
              {"added", to_json(c_.servers)}, {"removed", boost::json::array{}},
              {"changed", true}, {"verified", false}};
    }
    std::string id = c_.identity ? *c_.identity : row->identity;
    auto before = row->active_servers;
    auto add = minus(c_.servers, before);
    auto remove = minus(before, c_.servers);
    if (add.empty() && remove.empty()) {
      ctx.log().info(fmt::format("active servers of {} are already {}: nothing to do", id, show(before)));
      return {{"identity", id}, {"active_servers", to_json(before)}, {"added", boost::json::array{}},
              {"removed", boost::json::array{}}, {"changed", false}, {"verified", true}};
    }
    auto after_rows = parse_services(run_shell_script(ctx, c_.shell, diff_script(ps_quote(id), add, remove),
                                                      "Set-CsPersistentChatActiveServer"));
    const ServiceRow* now = find_service(after_rows, id, c_.pool_fqdn);
    if (!now || !minus(now->active_servers, c_.servers).empty() || !minus(c_.servers, now->active_servers).empty())
      throw StepError(fmt::format("Set-CsPersistentChatActiveServer {} ran, but the active servers are {} (expected {})",
                                  id, now ? show(now->active_servers) : "unknown", show(c_.servers)),
                      Retryable::no, "cs.verify_failed");
    ctx.log().info(fmt::format("active servers of {}: {} -> {}", id, show(before), show(now->active_servers)));
    return {{"identity", id}, {"active_servers", to_json(now->active_servers)}, {"added", to_json(add)},
            {"removed", to_json(remove)}, {"changed", true}, {"verified", true}};
  }

 private:
  std::vector<ServiceRow> read(Context& ctx) const {
    return parse_services(run_shell_script(ctx, c_.shell, read_script(), "Get-CsService -PersistentChatServer"));
  }
  std::string read_script() const { return wrap_script(c_.shell.module_import, {services_query()}); }

  // `quoted_identity` is a PowerShell literal (or a plan placeholder).
  std::string diff_script(const std::string& quoted_identity, const std::vector<std::string>& add,
                          const std::vector<std::string>& remove) const {
    std::string modifier;
    if (c_.servers.empty()) {
      modifier = "$null";  // clears the list
    } else {
      std::vector<std::string> parts;
      if (!add.empty()) parts.push_back("Add=" + list_literal(add));
      if (!remove.empty()) parts.push_back("Remove=" + list_literal(remove));
      modifier = "@{" + (parts.size() == 2 ? parts[0] + "; " + parts[1] : parts.empty() ? "" : parts[0]) + "}";
    }
    return wrap_script(c_.shell.module_import,
                       {"Set-CsPersistentChatActiveServer -Identity " + quoted_identity + " -ActiveServers " + modifier,
                        services_query()});
  }

  std::string replace_script(const std::string& identity) const {
    std::vector<std::string> statements{"Set-CsPersistentChatActiveServer -Identity " + ps_quote(identity) +
                                        " -ActiveServers $null"};
    if (!c_.servers.empty())
      statements.push_back("Set-CsPersistentChatActiveServer -Identity " + ps_quote(identity) +
                           " -ActiveServers @{Add=" + list_literal(c_.servers) + "}");
    return wrap_script(c_.shell.module_import, statements);
  }

  Config c_;
};

}  // namespace

void register_set_active_servers(Registry& r) {
  r.add_step(
      {.name = "set_active_servers",
       .summary = "Set the active Persistent Chat servers of a pool, or clear them",
       .effect = Effect::mutating,
       .params = {shell_param_spec(),
                  {.name = "servers",
                   .type = ParamType::list,
                   .description = "the FQDNs that must be the active servers (exactly these)"},
                  {.name = "clear",
                   .type = ParamType::boolean,
                   .default_value = false,
                   .description = "clear the list (-ActiveServers $null) instead of `servers`"},
                  {.name = "pool_fqdn",
                   .description = "the pool's FQDN; the service identity is read from "
                                  "Get-CsService -PersistentChatServer (give this or `identity`)"},
                  {.name = "identity",
                   .description = "the identity to pass to -Identity as is, e.g. "
                                  "PersistentChatServer:pchat.contoso.com or global"}},
       .description =
           "Reads the current list (Get-CsService -PersistentChatServer, ActiveServers) and sends "
           "only the difference as @{Add=...; Remove=...}; a no-op when the list is already right. "
           "When the list cannot be read for `identity`, clears it then adds `servers`. Reads the "
           "list back and fails unless it matches. Outputs identity, active_servers, added, "
           "removed, changed, verified."},
      [](const Params& p) -> std::unique_ptr<Step> {
        Config c{ShellConfig::from_params(p)};
        auto target = read_pool_target(p, "set_active_servers: give `pool_fqdn` or `identity`");
        c.pool_fqdn = std::move(target.pool_fqdn);
        c.identity = std::move(target.identity);
        c.clear = p.boolean_or("clear", false);
        if (p.has("servers")) c.servers = p.strings("servers");
        if (c.clear == !c.servers.empty() || (!c.clear && !p.has("servers")))
          throw ConfigError("set_active_servers: give either a non-empty `servers` list or `clear: true`");
        for (std::size_t i = 0; i < c.servers.size(); ++i)
          validate_fqdn(fmt::format("servers[{}]", i), c.servers[i]);
        return std::make_unique<SetActiveServersStep>(std::move(c));
      });
}

}  // namespace drkit::skype_cs
