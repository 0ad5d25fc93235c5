#include <fmt/format.h>

#include "core_components.h"
#include "drkit/sdk.hpp"

namespace drkit::core {

namespace {
class CommandProbe final : public Probe {
 public:
  explicit CommandProbe(const Params& p) : expect_(p.integer("expect_exit")) {
    request_.argv = p.strings("argv");
    if (request_.argv.empty()) throw ConfigError("core.command: 'argv' must name a program");
    request_.timeout = p.duration("timeout");
  }
  ProbeResult check(Context& ctx) override {
    auto r = run_process(ctx, request_);
    if (r.timed_out)
      return {false, nullptr, fmt::format("{} timed out after {}", request_.argv[0], format_duration(request_.timeout))};
    std::string out = tail_lines(r.stdout_text, 1);
    return {r.exit_code == expect_, r.exit_code,
            fmt::format("{} exited with {}{}{}", request_.argv[0], r.exit_code, out.empty() ? "" : ": ", out)};
  }

 private:
  ProcessRequest request_;
  std::int64_t expect_;
};
}  // namespace

void register_command_probe(Registry& r) {
  r.add_probe({.name = "command",
               .summary = "Run a read-only command; holds when it exits with expect_exit (value: the exit code)",
               .params = {{.name = "argv", .type = ParamType::list, .required = true,
                           .description = "program and arguments"},
                          {.name = "expect_exit", .type = ParamType::integer, .default_value = 0,
                           .description = "exit code meaning the condition holds", .minimum = 0, .maximum = 255},
                          {.name = "timeout", .type = ParamType::duration, .default_value = "30s",
                           .description = "give up after this long"}}},
              [](const Params& p) { return std::make_unique<CommandProbe>(p); });
}

}  // namespace drkit::core
