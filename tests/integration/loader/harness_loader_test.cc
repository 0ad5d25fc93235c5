// drkit::testing::Harness loads through the same loader: same refusals, same messages.
#include "drkit/testing.hpp"

#include <sys/stat.h>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "diagnostic.h"
#include "drkit/errors.hpp"
#include "drkit/version.hpp"
#include "plugin_sandbox.h"

namespace drkit {
namespace {

using loader_test::PluginSandbox;
using ::testing::HasSubstr;

// Constructs a harness on `dir` and returns the refusal text ("" if it loaded).
std::string harness_refusal(const std::filesystem::path& dir, bool allow_insecure) {
  try {
    testing::Harness h({dir}, allow_insecure);
    return "";
  } catch (const ValidationFailed& e) {
    return e.what();
  }
}

TEST(HarnessLoader, RunsTheComponentsOfAGoodPlugin) {
  PluginSandbox box;
  box.add("good", "drkit-good.so");
  testing::Harness h({box.dir()}, false);
  EXPECT_EQ(h.run("good.echo", {{"text", "hi"}}), (boost::json::object{{"echoed", "hi"}}));
  EXPECT_EQ(h.plan("good.echo", {{"text", "hi"}}).summary, "echo hi");
  auto holds = h.check("good.constant", {});
  EXPECT_TRUE(holds.ok);
  EXPECT_EQ(holds.message, "holds");
  EXPECT_FALSE(h.check("good.constant", {{"holds", false}}).ok);
}

TEST(HarnessLoader, RejectsParametersWithTheValidatorsMessage) {
  PluginSandbox box;
  box.add("good", "drkit-good.so");
  testing::Harness h({box.dir()}, false);
  try {
    h.run("good.echo", {{"txt", "hi"}});
    FAIL() << "an unknown parameter was accepted";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown parameter 'txt' for good.echo; did you mean 'text'? "
                                    "(parameters: text)"));
    EXPECT_THAT(e.what(), HasSubstr("missing required parameter 'text' (string: what to echo)"));
  }
}

TEST(HarnessLoader, NamesAComponentThatIsNotLoadedWithADidYouMean) {
  PluginSandbox box;
  box.add("good", "drkit-good.so");
  testing::Harness h({box.dir()}, false);
  try {
    h.run("good.ecko", {{"text", "hi"}});
    FAIL() << "an unknown step ran";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "no step named 'good.ecko' is loaded; did you mean 'good.echo'?");
  }
}

TEST(HarnessLoader, RefusesAnAbiMismatchedPlugin) {
  PluginSandbox box;
  auto file = box.add("abi", "drkit-abi-next.so");
  EXPECT_EQ(harness_refusal(box.dir(), false),
            fmt::format("plugin {} was built for drkit ABI version {}, but this drkit has ABI "
                        "version {}: rebuild the plugin against this drkit's SDK",
                        file.string(), kAbiVersion + 1, kAbiVersion));
}

TEST(HarnessLoader, RefusesASharedLibraryThatIsNotAPlugin) {
  PluginSandbox box;
  auto file = box.add("notaplugin", "drkit-notaplugin.so");
  EXPECT_EQ(harness_refusal(box.dir(), false),
            fmt::format("{} is a shared library but not a drkit plugin (it exports no "
                        "'drkit_plugin_descriptor'; a plugin uses DRKIT_PLUGIN from "
                        "drkit/plugin.hpp)",
                        file.string()));
}

TEST(HarnessLoader, RefusesAGroupWritablePluginUnlessInsecureIsAllowed) {
  PluginSandbox box;
  auto file = box.add("good", "drkit-good.so");
  ASSERT_EQ(::chmod(file.c_str(), 0775), 0);
  EXPECT_EQ(harness_refusal(box.dir(), false),
            fmt::format("refusing plugin: file {0} is writable by its group (mode 775); run "
                        "`chmod go-w {0}` or pass --allow-insecure-plugins",
                        file.string()));
  // The harness default relaxes the check (build trees are often group-writable).
  EXPECT_EQ(harness_refusal(box.dir(), true), "");
}

TEST(HarnessLoader, RefusesTwoPluginsWithOneNameListingEveryProblem) {
  PluginSandbox box;
  auto a = box.add("clash", "drkit-clash-a.so");
  auto b = box.add("clash", "drkit-clash-b.so");
  auto abi = box.add("abi", "drkit-abi-next.so");
  EXPECT_EQ(harness_refusal(box.dir(), false),
            fmt::format("plugin {} was built for drkit ABI version {}, but this drkit has ABI "
                        "version {}: rebuild the plugin against this drkit's SDK\n"
                        "plugin name 'clash' is used by both {} and {}: keep only one of "
                        "them on the plugin path",
                        abi.string(), kAbiVersion + 1, kAbiVersion, a.string(), b.string()));
}

}  // namespace
}  // namespace drkit
