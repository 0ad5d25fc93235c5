// core.exec: runs a program. Re-runnable only if the program is: the manifest author's duty.
#include <fmt/format.h>

#include "core_components.h"
#include "drkit/sdk.hpp"

namespace drkit::core {

namespace {

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789-_./=:,@%+") == std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

ProcessRequest request_from(const Params& p) {
  ProcessRequest req;
  req.argv = p.strings("argv");
  if (req.argv.empty()) throw ConfigError("core.exec: 'argv' must name a program");
  if (p.has("env")) {
    for (const auto& [k, v] : p.object("env")) {
      if (!v.is_string()) throw ConfigError(fmt::format("core.exec: env '{}' must be a string", std::string_view(k)));
      req.env[std::string(k)] = std::string(v.get_string());
    }
  }
  req.working_dir = p.string_or("working_dir", "");
  req.stdin_data = p.string_or("stdin", "");
  if (p.has("timeout")) req.timeout = p.duration("timeout");
  return req;
}

class ExecStep final : public Step {
 public:
  explicit ExecStep(const Params& p)
      : request_(request_from(p)),
        expect_exit_(p.integer("expect_exit")),
        tail_lines_(static_cast<std::size_t>(p.integer("output_lines"))) {
    if (p.has("retryable_exit_codes"))
      for (const auto& v : p.list("retryable_exit_codes")) retryable_.push_back(v.to_number<int>());
  }

  Plan plan(Context&) override {
    std::string line;
    for (const auto& a : request_.argv) line += (line.empty() ? "" : " ") + shell_quote(a);
    Plan plan{fmt::format("run {}", request_.argv.front()), {line}};
    if (!request_.working_dir.empty()) plan.actions.push_back("in " + request_.working_dir);
    // Secret values are masked by the planner, which redacts every action line.
    for (const auto& [k, v] : request_.env) plan.actions.push_back(fmt::format("env {}={}", k, shell_quote(v)));
    return plan;
  }

  boost::json::object run(Context& ctx) override {
    auto result = run_process(ctx, request_);
    boost::json::object out;
    out["exit_code"] = result.exit_code;
    out["stdout"] = tail_lines(result.stdout_text, tail_lines_);
    out["stderr"] = tail_lines(result.stderr_text, tail_lines_);
    if (!result.stdout_text.empty()) ctx.log().info(tail_lines(result.stdout_text, tail_lines_));
    if (result.cancelled) throw Cancelled();
    if (result.timed_out) {
      throw StepError(fmt::format("{} timed out after {} and was killed", request_.argv.front(),
                                  format_duration(request_.timeout)),
                      Retryable::yes, "exec.timeout");
    }
    if (result.exit_code != expect_exit_) {
      bool retry = std::find(retryable_.begin(), retryable_.end(), result.exit_code) != retryable_.end();
      std::string why = result.signal ? fmt::format("was killed by signal {}", result.signal)
                                      : fmt::format("exited with code {}", result.exit_code);
      std::string detail = tail_lines(result.stderr_text, 5);
      throw StepError(fmt::format("{} {} (expected {}){}{}", request_.argv.front(), why,
                                  expect_exit_, detail.empty() ? "" : ": ", detail),
                      retry ? Retryable::yes : Retryable::no, "exec.exit");
    }
    return out;
  }

 private:
  ProcessRequest request_;
  std::int64_t expect_exit_;
  std::size_t tail_lines_;
  std::vector<int> retryable_;
};

}  // namespace

void register_exec(Registry& r) {
  r.add_step(
      {.name = "exec",
       .summary = "Run a program (argv, no shell); fail unless it exits with expect_exit",
       .effect = Effect::mutating,
       .params = {{.name = "argv", .type = ParamType::list, .required = true,
                   .description = "program and arguments; never put secrets here (use env or stdin)"},
                  {.name = "env", .type = ParamType::object,
                   .description = "extra environment variables (the way to pass secrets)"},
                  {.name = "working_dir", .type = ParamType::string, .description = "folder to run in"},
                  {.name = "stdin", .type = ParamType::string, .description = "text written to stdin",
                   .secret = true},
                  {.name = "timeout", .type = ParamType::duration,
                   .description = "kill the program (its whole process group) after this long"},
                  {.name = "expect_exit", .type = ParamType::integer, .default_value = 0,
                   .description = "exit code that means success", .minimum = 0, .maximum = 255},
                  {.name = "retryable_exit_codes", .type = ParamType::list,
                   .description = "exit codes worth a retry", .item_type = ParamType::integer},
                  {.name = "output_lines", .type = ParamType::integer, .default_value = 20,
                   .description = "lines of stdout/stderr kept in the outputs", .minimum = 0}},
       .description = "Outputs: exit_code, stdout, stderr (the last output_lines lines)."},
      [](const Params& p) { return std::make_unique<ExecStep>(p); });
}

}  // namespace drkit::core
