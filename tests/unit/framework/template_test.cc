// Template references and resolution (framework/src/template.cc).
#include "template.h"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drkit/errors.hpp"

namespace drkit {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
namespace json = boost::json;

// Knows var.name (a string), var.port (an integer) and var.tags (a list).
json::value lookup(std::string_view ref) {
  if (ref == "var.name") return "pchat";
  if (ref == "var.port") return 1433;
  if (ref == "var.tags") return json::array{"a", "b"};
  throw ConfigError("unknown reference '" + std::string(ref) + "'");
}

std::vector<std::string> texts(const Diagnostics& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.path + ": " + d.message);
  return out;
}

TEST(TemplateReferences, ListsEveryReferenceInOrder) {
  EXPECT_THAT(template_references("${var.a}-${secret:env:PW} at ${steps.s.outputs.k}"),
              ElementsAre("var.a", "secret:env:PW", "steps.s.outputs.k"));
  EXPECT_THAT(template_references("no templates, $ and { alone"), IsEmpty());
  EXPECT_THAT(template_references("${}"), ElementsAre(""));
}

TEST(TemplateReferences, DoubleDollarIsALiteral) {
  EXPECT_THAT(template_references("cost $${var.a} and ${var.b}"), ElementsAre("var.b"));
}

TEST(TemplateReferences, AnUnclosedTemplateIsAnError) {
  try {
    template_references("echo ${var.a and more");
    FAIL() << "an unclosed ${ was accepted";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "'${' is never closed with '}' (write $${ for a literal ${)");
  }
}

TEST(ResolveTemplates, AWholeTemplateKeepsTheValuesJsonType) {
  Diagnostics out;
  EXPECT_EQ(resolve_templates("${var.port}", lookup, "p", out), json::value(1433));
  EXPECT_EQ(resolve_templates("${var.tags}", lookup, "p", out), (json::array{"a", "b"}));
  EXPECT_THAT(out, IsEmpty());
}

// The manifest's ${var.*} pass leaves other references for the run: a "$${" it meets must
// still be an escape when the run resolves the text, or a literal "${" (PowerShell's
// ${env:PATH}) would be read as a reference there.
TEST(ResolveTemplates, AnEarlierPassKeepsEscapesForTheLastOne) {
  Diagnostics out;
  auto vars_only = [](std::string_view ref) -> json::value {
    if (ref.starts_with("var.")) return lookup(ref);
    return json::value("${" + std::string(ref) + "}");
  };
  json::value v = "$${env:PATH} on ${var.name} after ${steps.a.outputs.x}";
  resolve_templates_in_place(v, vars_only, "p", out, Escapes::keep);
  EXPECT_EQ(v, json::value("$${env:PATH} on pchat after ${steps.a.outputs.x}"));
  EXPECT_THAT(template_references(v.as_string()), ElementsAre("steps.a.outputs.x"));
  json::value only_literal = "$${steps.a.outputs.x}";
  resolve_templates_in_place(only_literal, vars_only, "p", out, Escapes::keep);
  EXPECT_EQ(only_literal, json::value("$${steps.a.outputs.x}"));
  auto last = resolve_templates(v, [](std::string_view) { return json::value("42"); }, "p", out);
  EXPECT_EQ(last, json::value("${env:PATH} on pchat after 42"));
  EXPECT_THAT(out, IsEmpty());
}

TEST(ResolveTemplates, SplicesReferencesIntoText) {
  Diagnostics out;
  EXPECT_EQ(resolve_templates("Server=${var.name},${var.port}; tags=${var.tags}", lookup, "p", out),
            json::value(R"(Server=pchat,1433; tags=["a","b"])"));
  EXPECT_EQ(resolve_templates("$${var.name} is ${var.name}", lookup, "p", out),
            json::value("${var.name} is pchat"));
  EXPECT_THAT(out, IsEmpty());
}

TEST(ResolveTemplates, WalksObjectsAndListsAndLeavesOtherValuesAlone) {
  Diagnostics out;
  auto v = json::parse(R"({"a": ["${var.name}", 1, true, null], "b": {"c": "${var.port}"}})");
  EXPECT_EQ(resolve_templates(v, lookup, "with", out),
            json::parse(R"({"a": ["pchat", 1, true, null], "b": {"c": 1433}})"));
  EXPECT_THAT(out, IsEmpty());
}

TEST(ResolveTemplates, ReportsEachProblemAtItsPathAndKeepsTheText) {
  Diagnostics out;
  auto v = json::parse(R"({"a": ["ok", "${var.nope}"], "b": {"c": "x ${var.name"}})");
  auto resolved = resolve_templates(v, lookup, "with", out);
  EXPECT_THAT(texts(out),
              ElementsAre("with.a[1]: unknown reference 'var.nope'",
                          "with.b.c: '${' is never closed with '}' (write $${ for a literal ${)"));
  EXPECT_EQ(resolved, v);
}

}  // namespace
}  // namespace drkit
