// hello.greeted: holds when a file greets someone. Read-only: it only reads the file.
#include <system_error>

#include <drkit/sdk.hpp>
#include <fmt/format.h>

#include "greeting.h"
#include "hello_components.h"

namespace hello {

namespace {

class GreetedProbe final : public drkit::Probe {
 public:
  explicit GreetedProbe(const drkit::Params& p) : path_(p.string("path")), name_(p.string("name")) {}

  // A missing file is an answer ("not greeted"); an unreadable one is not, so it throws and
  // the engine reports "could not check" with this message.
  drkit::ProbeResult check(drkit::Context&) override {
    std::optional<std::string> text;
    try {
      text = read_file_if_exists(path_);
    } catch (const std::system_error& e) {
      throw drkit::StepError(e.what(), drkit::Retryable::yes, "hello.io");
    }
    if (!text) return {false, nullptr, fmt::format("{} does not exist", path_)};
    if (auto line = find_greeting_for(*text, name_))
      return {true, boost::json::value(*line), fmt::format("{} greets {}: \"{}\"", path_, name_, *line)};
    return {false, nullptr, fmt::format("{} does not greet {}", path_, name_)};
  }

 private:
  std::string path_;
  std::string name_;
};

}  // namespace

void register_greeted_probe(drkit::Registry& r) {
  using drkit::ParamType;
  r.add_probe({.name = "greeted",
               .summary = "Holds when a file contains a greeting for someone",
               .effect = drkit::Effect::read_only,
               .params = {{.name = "path", .type = ParamType::string, .required = true,
                           .description = "the file to read"},
                          {.name = "name", .type = ParamType::string, .required = true,
                           .description = "who should be greeted"}},
               .description = "Value: the greeting line, or null when there is none."},
              [](const drkit::Params& p) { return std::make_unique<GreetedProbe>(p); });
}

}  // namespace hello
