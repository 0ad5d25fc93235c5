#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "core_components.h"
#include "drkit/sdk.hpp"

namespace drkit::core {

namespace {
class FileProbe final : public Probe {
 public:
  explicit FileProbe(const Params& p)
      : path_(p.string("path")),
        min_size_(p.integer_or("min_size", -1)),
        max_age_(p.has("max_age") ? std::optional<Duration>(p.duration("max_age")) : std::nullopt) {}

  ProbeResult check(Context&) override {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
      boost::json::object v{{"exists", false}};
      return {false, v, fmt::format("{}: {}", path_, std::strerror(errno))};
    }
    auto mtime = std::chrono::system_clock::from_time_t(st.st_mtim.tv_sec);
    auto age = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - mtime);
    boost::json::object v{{"exists", true}, {"size", static_cast<std::int64_t>(st.st_size)},
                          {"age_seconds", age.count()}};
    bool ok = true;
    std::string why = fmt::format("{} exists ({} bytes, {} old)", path_, st.st_size,
                                  format_duration(std::chrono::duration_cast<Duration>(age)));
    if (min_size_ >= 0 && st.st_size < min_size_) {
      ok = false;
      why += fmt::format(", smaller than {} bytes", min_size_);
    }
    if (max_age_ && age > *max_age_) {
      ok = false;
      why += fmt::format(", older than {}", format_duration(*max_age_));
    }
    return {ok, v, why};
  }

 private:
  std::string path_;
  std::int64_t min_size_;
  std::optional<Duration> max_age_;
};
}  // namespace

void register_file_probe(Registry& r) {
  r.add_probe({.name = "file",
               .summary = "Holds when a file exists (optionally: at least min_size bytes, at most max_age old)",
               .params = {{.name = "path", .type = ParamType::string, .required = true, .description = "the file"},
                          {.name = "min_size", .type = ParamType::integer, .description = "minimum size in bytes",
                           .minimum = 0},
                          {.name = "max_age", .type = ParamType::duration, .description = "maximum age (mtime)"}}},
              [](const Params& p) { return std::make_unique<FileProbe>(p); });
}

}  // namespace drkit::core
