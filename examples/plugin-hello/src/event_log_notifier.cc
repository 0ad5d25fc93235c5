// hello.event_log: appends one line per run event to a file, e.g.
//   2026-11-23T14:15:03Z step.succeeded run=20261123-141503-7f3a step=greet: wrote 3 line(s)
// One O_APPEND write per line, so parallel steps' events never interleave within a line.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <drkit/sdk.hpp>
#include <fmt/format.h>

#include "hello_components.h"

namespace hello {

namespace {

class EventLogNotifier final : public drkit::Notifier {
 public:
  explicit EventLogNotifier(const drkit::Params& p) : path_(p.string("path")) {}

  // A failure throws: the engine logs it, retries the delivery and never fails the run.
  void notify(const drkit::Event& event, drkit::Context&) override {
    auto json = event.to_json();
    const auto* time = json.if_contains("time");
    std::string line = fmt::format("{} {} run={}", time && time->is_string() ? time->get_string().c_str() : "-",
                                   event.type, event.run_id.empty() ? "-" : event.run_id);
    if (!event.step_id.empty()) line += " step=" + event.step_id;
    if (!event.status.empty()) line += " status=" + event.status;
    // The message is already redacted by the engine.
    if (!event.message.empty()) line += ": " + event.message;
    line += "\n";

    std::error_code ec;
    auto folder = std::filesystem::path(path_).parent_path();
    if (!folder.empty()) std::filesystem::create_directories(folder, ec);
    int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      throw drkit::StepError(fmt::format("cannot open {}: {}", path_, std::strerror(errno)),
                             drkit::Retryable::yes, "hello.io");
    }
    ssize_t n = ::write(fd, line.data(), line.size());
    int err = errno;
    ::close(fd);
    if (n != static_cast<ssize_t>(line.size())) {
      throw drkit::StepError(fmt::format("cannot append to {}: {}", path_, n < 0 ? std::strerror(err) : "short write"),
                             drkit::Retryable::yes, "hello.io");
    }
  }

 private:
  std::string path_;
};

}  // namespace

void register_event_log_notifier(drkit::Registry& r) {
  r.add_notifier({.name = "event_log",
                  .summary = "Append one line per run event to a file",
                  .params = {{.name = "path", .type = drkit::ParamType::string, .required = true,
                              .description = "the file; created with its folders"}}},
                 [](const drkit::Params& p) { return std::make_unique<EventLogNotifier>(p); });
}

}  // namespace hello
