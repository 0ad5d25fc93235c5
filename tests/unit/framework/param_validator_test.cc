// validate_params (framework/src/param_validator.cc): one spec, checked at manifest time
// (templates unresolved) and at call time (templates resolved).
#include "param_validator.h"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drkit {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
namespace json = boost::json;

const ComponentSpec kSpec{
    .name = "copy",
    .summary = "copies",
    .params = {{.name = "source", .required = true, .description = "from"},
               {.name = "count", .type = ParamType::integer, .default_value = 3,
                .description = "how many"},
               {.name = "verify", .type = ParamType::boolean, .description = "check"},
               {.name = "wait", .type = ParamType::duration, .description = "pause"},
               {.name = "files", .type = ParamType::list, .description = "names"},
               {.name = "ports", .type = ParamType::list, .description = "ports",
                .item_type = ParamType::integer},
               {.name = "extra", .type = ParamType::object, .description = "more"},
               {.name = "mode", .allowed = {"fast", "safe"}, .description = "how"},
               {.name = "share", .type = ParamType::resource, .description = "where",
                .resource_type = "storage.share"}}};

std::optional<std::string> resources(const std::string& name) {
  if (name == "backup") return "storage.share";
  if (name == "db") return "sql.instance";
  return std::nullopt;
}

struct Checked {
  json::object values;
  std::vector<std::string> problems;
};
Checked check(std::string_view with, bool resolved) {
  Diagnostics out;
  auto values = validate_params(kSpec, json::parse(with).as_object(), "w", resources,
                                ParamCheck{resolved}, out);
  Checked c{values, {}};
  for (const auto& d : out) c.problems.push_back(d.path + ": " + d.message);
  return c;
}

TEST(ValidateParams, AppliesDefaultsAndTreatsNullAsAbsent) {
  auto c = check(R"({"source": "/a", "count": null})", true);
  EXPECT_THAT(c.problems, IsEmpty());
  EXPECT_EQ(c.values, json::parse(R"({"source": "/a", "count": 3})").as_object());
}

TEST(ValidateParams, AcceptsEveryTypeInItsJsonForm) {
  auto c = check(R"({"source": "/a", "count": 18446744073709551615, "verify": false,
                     "wait": "1h30m", "files": ["a", "b"], "ports": [1, 2], "extra": {"k": 1},
                     "mode": "safe", "share": "backup"})", true);
  EXPECT_THAT(c.problems, IsEmpty());
  EXPECT_THAT(check(R"({"source": "/a", "wait": 30})", true).problems, IsEmpty());
}

TEST(ValidateParams, ReportsEachWrongTypeAtItsPath) {
  auto c = check(R"({"source": 1, "count": 1.5, "verify": "yes", "wait": -5, "files": "a",
                     "ports": [1, "2"], "extra": [], "mode": 1, "share": 2})", true);
  EXPECT_THAT(c.problems,
              ElementsAre("w.source: 'source' must be a string, not an integer",
                          "w.count: 'count' must be an integer, not a number",
                          "w.verify: 'verify' must be true or false, not a string",
                          "w.wait: 'wait' must be a duration such as \"500ms\", \"30s\", \"5m\" "
                          "or \"1h30m\", not an integer",
                          "w.files: 'files' must be a list, not a string",
                          "w.ports[1]: items of 'ports' must be an integer, not a string",
                          "w.extra: 'extra' must be an object, not a list",
                          "w.mode: 'mode' must be a string, not an integer",
                          "w.share: 'share' must be a string, not an integer"));
}

TEST(ValidateParams, ChecksResourcesByNameAndType) {
  EXPECT_THAT(check(R"({"source": "/a", "share": "nas"})", true).problems,
              ElementsAre("w.share: unknown resource 'nas': declare it under \"resources\""));
  EXPECT_THAT(check(R"({"source": "/a", "share": "db"})", true).problems,
              ElementsAre("w.share: resource 'db' is of type sql.instance, but 'share' needs a "
                          "storage.share"));
}

TEST(ValidateParams, ReportsUnknownAndMissingParametersTogether) {
  EXPECT_THAT(check(R"({"sourse": "/a"})", true).problems,
              ElementsAre("w.sourse: unknown parameter 'sourse' for copy; did you mean 'source'? "
                          "(parameters: source, count, verify, wait, files, ports, extra, mode, "
                          "share)",
                          "w: missing required parameter 'source' (string: from)"));
}

TEST(ValidateParams, AWholeTemplateStandsForAnyTypeUntilResolved) {
  auto unresolved = check(R"({"source": "/a", "count": "${steps.s.outputs.n}",
                              "verify": "${var.v}", "ports": ["${var.p}", 2],
                              "mode": "${var.mode}", "share": "${var.share}"})", false);
  EXPECT_THAT(unresolved.problems, IsEmpty());
  // Resolved, the same text is just a wrong string.
  auto resolved = check(R"({"source": "/a", "count": "${steps.s.outputs.n}"})", true);
  EXPECT_THAT(resolved.problems, ElementsAre("w.count: 'count' must be an integer, not a string"));
  // Text around a template is a string, never an integer.
  EXPECT_THAT(check(R"({"source": "/a", "count": "n=${var.n}"})", false).problems,
              ElementsAre("w.count: 'count' must be an integer, not a string"));
}

TEST(ValidateParams, ATakesNoParametersHintForAnEmptySpec) {
  Diagnostics out;
  validate_params(ComponentSpec{.name = "noop", .summary = "x"}, json::object{{"x", 1}}, "w",
                  resources, ParamCheck{true}, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].message, "unknown parameter 'x' for noop (it takes no parameters)");
}

}  // namespace
}  // namespace drkit
