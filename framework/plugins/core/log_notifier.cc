// core.log: appends each event as one JSON line to a file (an audit trail a tail -f can
// follow). O_APPEND writes of one line are atomic, so parallel runs may share a file.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "core_components.h"
#include "drkit/sdk.hpp"

namespace drkit::core {

namespace {
class LogNotifier final : public Notifier {
 public:
  explicit LogNotifier(const Params& p) : path_(p.string("path")) {}
  void notify(const Event& event, Context&) override {
    std::string line = boost::json::serialize(event.to_json()) + "\n";
    int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) throw StepError(fmt::format("cannot open {}: {}", path_, std::strerror(errno)), Retryable::yes);
    ssize_t n = ::write(fd, line.data(), line.size());
    int err = errno;
    ::close(fd);
    if (n != static_cast<ssize_t>(line.size()))
      throw StepError(fmt::format("cannot write {}: {}", path_, std::strerror(err)), Retryable::yes);
  }

 private:
  std::string path_;
};
}  // namespace

void register_log_notifier(Registry& r) {
  r.add_notifier({.name = "log",
                  .summary = "Append every event as a JSON line to a file",
                  .params = {{.name = "path", .type = ParamType::string, .required = true,
                              .description = "the file (created with mode 0600)"}}},
                 [](const Params& p) { return std::make_unique<LogNotifier>(p); });
}

}  // namespace drkit::core
