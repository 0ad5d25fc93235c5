#include "probe_check.h"

#include <cctype>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "drkit/errors.hpp"

namespace drkit {

namespace {
bool equal_ci(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_string() && b.is_string()) {
    std::string_view x = a.get_string(), y = b.get_string();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(x[i])) != std::tolower(static_cast<unsigned char>(y[i]))) return false;
    return true;
  }
  if (a.is_number() && b.is_number()) return a.to_number<double>() == b.to_number<double>();
  return a == b;
}
}  // namespace

ProbeOutcome check_probe(const RunEnvironment& env, const ProbeUse& use, const std::string& step_id,
                         const CancellationToken& cancellation, bool dry_run) {
  ProbeOutcome out;
  try {
    const auto& entry = env.entry(use.probe, ComponentKind::probe);
    Params params = env.params_for(entry, use.with, use.path);
    Invocation inv{env.identity().run_id, env.identity().pipeline, env.identity().environment, step_id, 1};
    InvocationContext ctx(env.scope(), std::move(params), inv, cancellation, dry_run);
    auto probe = entry.make_probe(ctx.params());
    auto result = probe->check(ctx);
    out.value = env.scope().redactor().redact_json(result.value);
    out.message = env.scope().redactor().redact(result.message);
    if (use.expect) {
      out.holds = equal_ci(result.value, *use.expect);
      if (!out.holds)
        out.message += fmt::format(" (expected {}, got {})", boost::json::serialize(*use.expect),
                                   boost::json::serialize(out.value));
    } else {
      out.holds = result.ok;
    }
  } catch (const std::exception& e) {
    out.holds = false;
    out.message = env.scope().redactor().redact(fmt::format("{} could not check: {}", use.probe, e.what()));
  }
  return out;
}

}  // namespace drkit
