// hello.write_greeting: writes "<greeting>, <name>!" lines to a file, then optionally runs a
// hook command (e.g. to reload whatever reads the file).
//
// Re-runnable: it compares the file with what it would write and leaves an identical file
// alone. It writes a temporary file beside the target and renames it over the target, so a
// crash or a cancellation never leaves half a greeting. The hook runs on every run, so it
// must itself be safe to repeat.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <drkit/sdk.hpp>
#include <fmt/format.h>

#include "greeting.h"
#include "hello_components.h"

namespace hello {

namespace {

// Exit code 75 (EX_TEMPFAIL in sysexits.h) means "try again later": the engine may retry.
constexpr int kHookTempFail = 75;
constexpr std::int64_t kMaxLines = 1'000'000;

// A temporary file beside the target; removed unless commit() renamed it into place.
class TempFile {
 public:
  explicit TempFile(std::string target)
      : target_(std::move(target)), path_(fmt::format("{}.tmp-{}", target_, ::getpid())) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw io_error("cannot create", path_, errno);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(path_.c_str());
  }

  void write(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw io_error("cannot write", path_, errno);
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // Flushes to disk and renames over the target: readers see the old or the new file.
  void commit() {
    if (::fsync(fd_) != 0) throw io_error("cannot flush", path_, errno);
    ::close(fd_);
    fd_ = -1;
    if (::rename(path_.c_str(), target_.c_str()) != 0) throw io_error("cannot replace", target_, errno);
    committed_ = true;
  }

  // A full disk or a read-only file system needs a person; only EAGAIN-like errors may pass.
  static drkit::StepError io_error(const char* what, const std::string& path, int err) {
    bool transient = err == EAGAIN || err == EBUSY || err == EINTR;
    return drkit::StepError(fmt::format("{} {}: {}", what, path, std::strerror(err)),
                            transient ? drkit::Retryable::yes : drkit::Retryable::no, "hello.io");
  }

 private:
  std::string target_;
  std::string path_;
  int fd_ = -1;
  bool committed_ = false;
};

std::string command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
  return line;
}

class WriteGreetingStep final : public drkit::Step {
 public:
  explicit WriteGreetingStep(const drkit::Params& p)
      : path_(p.string("path")),
        name_(p.string("name")),
        lines_(p.integer("repeat")),
        text_(greeting_text(p.string("greeting"), name_, lines_)),
        line_(greeting_line(p.string("greeting"), name_)),
        hook_(p.has("hook") ? p.strings("hook") : std::vector<std::string>{}),
        hook_token_(p.string_or("hook_token", "")),
        hook_timeout_(p.duration("hook_timeout")) {}

  // No side effects: reads the file to say whether anything would change.
  drkit::Plan plan(drkit::Context&) override {
    drkit::Plan plan{fmt::format("write {} line(s) \"{}\" to {}", lines_, line_, path_)};
    try {
      if (read_file_if_exists(path_) == text_) {
        plan.summary = fmt::format("{} already greets {}: nothing to write", path_, name_);
        plan.no_op = hook_.empty();
      }
    } catch (const std::system_error& e) {
      plan.summary += fmt::format(" (cannot read it now: {})", e.what());
    }
    plan.actions.push_back(fmt::format("write {} via {}.tmp-PID and rename", path_, path_));
    if (!hook_.empty()) {
      // The token goes to the hook's environment, never its argv; plans show *** anyway.
      plan.actions.push_back(fmt::format("run {}{}", command_line(hook_),
                                         hook_token_.empty() ? "" : " (env HELLO_TOKEN=***)"));
    }
    return plan;
  }

  boost::json::object run(drkit::Context& ctx) override {
    std::optional<std::string> current;
    try {
      current = read_file_if_exists(path_);
    } catch (const std::system_error& e) {
      throw drkit::StepError(e.what(), drkit::Retryable::no, "hello.io");
    }
    bool changed = current != text_;
    if (changed) {
      write_file(ctx);
      ctx.log().info(fmt::format("wrote {} line(s) to {}", lines_, path_));
    } else {
      ctx.log().info(fmt::format("{} already greets {}: left as is", path_, name_));
    }
    if (!hook_.empty()) run_hook(ctx);
    // Outputs are journaled and visible to later steps: never a secret here.
    return {{"path", path_}, {"changed", changed}, {"lines", lines_}};
  }

 private:
  void write_file(drkit::Context& ctx) {
    std::error_code ec;
    auto folder = std::filesystem::path(path_).parent_path();
    if (!folder.empty()) std::filesystem::create_directories(folder, ec);
    if (ec) {
      throw drkit::StepError(fmt::format("cannot create the folder {}: {}", folder.string(), ec.message()),
                             drkit::Retryable::no, "hello.folder");
    }
    TempFile file(path_);
    std::string line = line_ + "\n";
    for (std::int64_t i = 0; i < lines_; ++i) {
      // A safe point: stopping here leaves the target untouched (~TempFile removes the rest).
      ctx.cancellation().throw_if_cancelled();
      file.write(line);
      ctx.progress(static_cast<std::uint64_t>(i + 1), static_cast<std::uint64_t>(lines_), "lines");
    }
    file.commit();
  }

  void run_hook(drkit::Context& ctx) {
    drkit::ProcessRequest request;
    request.argv = hook_;
    request.env["HELLO_FILE"] = path_;
    if (!hook_token_.empty()) request.env["HELLO_TOKEN"] = hook_token_;
    request.timeout = hook_timeout_;
    auto result = drkit::run_process(ctx, request);
    if (!result.stdout_text.empty()) ctx.log().info(drkit::tail_lines(result.stdout_text, 5));
    if (result.cancelled) throw drkit::Cancelled();
    if (result.timed_out) {
      throw drkit::StepError(fmt::format("hook {} timed out after {} and was killed", hook_.front(),
                                         drkit::format_duration(hook_timeout_)),
                             drkit::Retryable::yes, "hello.hook_timeout");
    }
    if (result.ok()) return;
    std::string why = result.signal ? fmt::format("was killed by signal {}", result.signal)
                                    : fmt::format("exited with code {}", result.exit_code);
    std::string detail = drkit::tail_lines(result.stderr_text, 5);
    bool transient = result.exit_code == kHookTempFail;
    throw drkit::StepError(fmt::format("hook {} {}{}{}", hook_.front(), why, detail.empty() ? "" : ": ", detail),
                           transient ? drkit::Retryable::yes : drkit::Retryable::no,
                           transient ? "hello.hook_tempfail" : "hello.hook_failed");
  }

  std::string path_;
  std::string name_;
  std::int64_t lines_;
  std::string text_;
  std::string line_;
  std::vector<std::string> hook_;
  std::string hook_token_;
  drkit::Duration hook_timeout_;
};

}  // namespace

void register_write_greeting(drkit::Registry& r) {
  using drkit::ParamType;
  r.add_step(
      {.name = "write_greeting",
       .summary = "Write a greeting to a file (re-runnable), then run an optional hook",
       .effect = drkit::Effect::mutating,
       .params = {{.name = "path", .type = ParamType::string, .required = true,
                   .description = "the file to write; missing folders are created"},
                  {.name = "name", .type = ParamType::string, .required = true,
                   .description = "who to greet"},
                  {.name = "greeting", .type = ParamType::string, .default_value = "Hello",
                   .description = "the word before the name"},
                  {.name = "repeat", .type = ParamType::integer, .default_value = 1,
                   .description = "how many lines to write", .minimum = 1, .maximum = kMaxLines},
                  {.name = "hook", .type = ParamType::list,
                   .description = "a command run after writing (argv list), with HELLO_FILE set; "
                                  "exit 75 means try again"},
                  {.name = "hook_token", .type = ParamType::string,
                   .description = "passed to the hook as the environment variable HELLO_TOKEN",
                   .secret = true},
                  {.name = "hook_timeout", .type = ParamType::duration, .default_value = "1m",
                   .description = "how long the hook may run"}},
       .description = "Outputs: path, changed (false when the file already held the greeting), "
                      "lines. A no-op when the file already greets `name` and there is no hook."},
      [](const drkit::Params& p) -> std::unique_ptr<drkit::Step> {
        // Constraints a spec cannot express are checked by the factory (drkit validate calls it
        // once; so do plan and run). `repeat`'s bounds are in the spec, so drkit checks them.
        if (p.has("hook") && p.strings("hook").empty())
          throw drkit::ConfigError("hook must name a program: [\"systemctl\", \"reload\", \"x\"]");
        return std::make_unique<WriteGreetingStep>(p);
      });
}

}  // namespace hello
