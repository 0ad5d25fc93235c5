#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "command.h"
#include "exit_code.h"
#include "workspace.h"

namespace drkit::cli {

std::function<int()> setup_validate(CLI::App&, GlobalOptions& o) {
  return [&o]() -> int {
    try {
      auto ws = Workspace::with_manifest(o);
      const auto& m = ws->manifest();
      std::size_t steps = 0;
      for (const auto& [n, p] : m.pipelines) steps += p.steps().size();
      if (o.json()) {
        boost::json::object out{{"valid", true}, {"manifest", m.file.string()}, {"hash", m.hash},
                                {"pipelines", m.pipelines.size()}, {"steps", steps},
                                {"plugins", ws->loader().plugins().size()}, {"problems", boost::json::array()}};
        fmt::print("{}\n", boost::json::serialize(out));
      } else {
        auto count = [](std::size_t n, const char* noun) { return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s"); };
        fmt::print("{}: valid ({}, {}, {} loaded)\n", m.file.string(), count(m.pipelines.size(), "pipeline"),
                   count(steps, "step"), count(ws->loader().plugins().size(), "plugin"));
      }
      return kOk;
    } catch (const ValidationFailed& e) {
      if (!o.json()) throw;
      boost::json::array problems;
      for (const auto& d : e.diagnostics())
        problems.push_back({{"file", d.file}, {"line", d.line}, {"column", d.column}, {"path", d.path},
                            {"message", d.message}});
      fmt::print("{}\n", boost::json::serialize(boost::json::object{{"valid", false}, {"problems", problems}}));
      return kUsage;
    }
  };
}

}  // namespace drkit::cli
