// PluginLoader against real .so files: every refusal with its exact message.
#include "plugin_loader.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drkit/version.hpp"
#include "plugin_sandbox.h"

namespace drkit {
namespace {

namespace fs = std::filesystem;
using loader_test::PluginSandbox;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<std::string> messages(const Diagnostics& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.to_string());
  return out;
}

// Loads every plugin of `dir` into a fresh registry and returns the diagnostics' text.
struct LoadResult {
  std::vector<std::string> problems;
  std::vector<std::string> components;
  std::vector<std::string> plugins;
};
LoadResult load_dir(const fs::path& dir, bool allow_insecure = false) {
  ComponentRegistry registry;
  PluginLoader loader(registry);
  LoadResult r;
  r.problems = messages(loader.load({{dir}, allow_insecure}));
  r.components = registry.names();
  for (const auto& p : loader.plugins()) r.plugins.push_back(p.name);
  return r;
}

std::string abi_message(const fs::path& file) {
  return fmt::format(
      "plugin {} was built for drkit ABI version {}, but this drkit has ABI version {}: rebuild "
      "the plugin against this drkit's SDK",
      file.string(), kAbiVersion + 1, kAbiVersion);
}

TEST(PluginLoader, LoadsAGoodPluginWithItsDescriptorAndComponents) {
  PluginSandbox box;
  auto file = box.add("good", "drkit-good.so");
  ComponentRegistry registry;
  PluginLoader loader(registry);
  EXPECT_THAT(loader.load({{box.dir()}, false}), ::testing::IsEmpty());
  ASSERT_EQ(loader.plugins().size(), 1u);
  const auto& p = loader.plugins()[0];
  EXPECT_EQ(p.name, "good");
  EXPECT_EQ(p.version, "1.2.3");
  EXPECT_EQ(p.summary, "A well-formed test plugin");
  EXPECT_EQ(p.abi_version, kAbiVersion);
  EXPECT_EQ(p.toolchain, kToolchain);
  EXPECT_EQ(p.file, file);
  EXPECT_THAT(registry.names(), ElementsAre("good.constant", "good.echo", "good.thing"));
  const auto* echo = registry.find("good.echo", ComponentKind::step);
  ASSERT_NE(echo, nullptr);
  EXPECT_EQ(echo->plugin, "good");
  EXPECT_EQ(echo->plugin_file, file);
  EXPECT_EQ(echo->spec.params.at(0).name, "text");
  EXPECT_NE(registry.find("good.constant", ComponentKind::probe), nullptr);
  EXPECT_NE(registry.find("good.thing", ComponentKind::resource), nullptr);
  EXPECT_EQ(registry.find("good.echo", ComponentKind::probe), nullptr);
}

TEST(PluginLoader, RefusesAPluginBuiltForAnotherAbiVersionNamingBothVersions) {
  PluginSandbox box;
  auto file = box.add("abi", "drkit-abi-next.so");
  auto r = load_dir(box.dir());
  EXPECT_THAT(r.problems, ElementsAre(abi_message(file)));
  EXPECT_THAT(r.plugins, ::testing::IsEmpty());
  EXPECT_THAT(r.components, ::testing::IsEmpty());

  ComponentRegistry registry;
  PluginLoader loader(registry);
  try {
    loader.load_file(file, false);
    FAIL() << "load_file accepted an ABI-mismatched plugin";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(e.what(), abi_message(file));
  }
}

TEST(PluginLoader, RefusesAPluginBuiltWithAnotherToolchainNamingBoth) {
  PluginSandbox box;
  auto file = box.add("toolchain", "drkit-othertool.so");
  auto r = load_dir(box.dir());
  EXPECT_THAT(r.problems,
              ElementsAre(fmt::format(
                  "plugin {} was built with toolchain 'clang-99/libc++-99/c++202002/boost-999999', "
                  "but this drkit was built with '{}': rebuild the plugin with the same compiler, "
                  "standard library and Boost",
                  file.string(), kToolchain)));
  EXPECT_THAT(r.plugins, ::testing::IsEmpty());
}

TEST(PluginLoader, RefusesASharedLibraryThatIsNotADrkitPlugin) {
  PluginSandbox box;
  auto file = box.add("notaplugin", "drkit-notaplugin.so");
  auto r = load_dir(box.dir());
  EXPECT_THAT(r.problems,
              ElementsAre(fmt::format(
                  "{} is a shared library but not a drkit plugin (it exports no "
                  "'drkit_plugin_descriptor'; a plugin uses DRKIT_PLUGIN from drkit/plugin.hpp)",
                  file.string())));
  EXPECT_THAT(r.plugins, ::testing::IsEmpty());
}

TEST(PluginLoader, RefusesAFileThatIsNotASharedLibraryAtAll) {
  PluginSandbox box;
  fs::path file = box.dir() / "drkit-text.so";
  // Longer than an ELF header, so the loader reads and rejects the header itself.
  std::ofstream(file) << std::string(200, '#') << "\nthis is not an ELF file\n";
  ::chmod(file.c_str(), 0755);
  auto r = load_dir(box.dir());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_THAT(r.problems[0], StartsWith(fmt::format("cannot load plugin {}: ", file.string())));
  EXPECT_THAT(r.problems[0], HasSubstr("invalid ELF header"));
}

TEST(PluginLoader, RefusesAGroupWritablePluginFileAndSaysHowToFixIt) {
  PluginSandbox box;
  auto file = box.add("good", "drkit-good.so");
  ASSERT_EQ(::chmod(file.c_str(), 0775), 0);
  auto r = load_dir(box.dir());
  EXPECT_THAT(r.problems,
              ElementsAre(fmt::format("refusing plugin: file {0} is writable by its group (mode "
                                      "775); run `chmod go-w {0}` or pass --allow-insecure-plugins",
                                      file.string())));
  EXPECT_THAT(r.plugins, ::testing::IsEmpty());
  EXPECT_THAT(r.components, ::testing::IsEmpty());
}

TEST(PluginLoader, RefusesAPluginFileWritableByOthers) {
  PluginSandbox box;
  auto file = box.add("good", "drkit-good.so");
  ASSERT_EQ(::chmod(file.c_str(), 0757), 0);
  auto r = load_dir(box.dir());
  EXPECT_THAT(r.problems,
              ElementsAre(fmt::format("refusing plugin: file {0} is writable by others (mode "
                                      "757); run `chmod go-w {0}` or pass --allow-insecure-plugins",
                                      file.string())));
}

TEST(PluginLoader, RefusesAPluginInAGroupWritableFolder) {
  PluginSandbox box;
  auto dir = box.make_dir("shared");
  box.add("good", "drkit-good.so", {}, "shared");
  ASSERT_EQ(::chmod(dir.c_str(), 0775), 0);
  auto r = load_dir(dir);
  EXPECT_THAT(r.problems,
              ElementsAre(fmt::format("refusing plugin: folder {0} is writable by its group (mode "
                                      "775); run `chmod go-w {0}` or pass --allow-insecure-plugins",
                                      dir.string())));
  EXPECT_THAT(r.plugins, ::testing::IsEmpty());
}

TEST(PluginLoader, AllowInsecureLoadsAGroupWritablePluginFromAGroupWritableFolder) {
  PluginSandbox box;
  auto dir = box.make_dir("shared");
  auto file = box.add("good", "drkit-good.so", {}, "shared");
  ASSERT_EQ(::chmod(file.c_str(), 0775), 0);
  ASSERT_EQ(::chmod(dir.c_str(), 0777), 0);
  auto r = load_dir(dir, /*allow_insecure=*/true);
  EXPECT_THAT(r.problems, ::testing::IsEmpty());
  EXPECT_THAT(r.plugins, ElementsAre("good"));
}

TEST(PluginLoader, RefusesTwoFilesThatCallThemselvesByTheSamePluginNameNamingBothFiles) {
  PluginSandbox box;
  auto a = box.add("clash", "drkit-clash-a.so");
  auto b = box.add("clash", "drkit-clash-b.so");
  auto r = load_dir(box.dir());
  // Files load in name order: a first, so b is the one refused.
  EXPECT_THAT(r.problems,
              ElementsAre(fmt::format("plugin name 'clash' is used by both {} and {}: keep only "
                                      "one of them on the plugin path",
                                      a.string(), b.string())));
  EXPECT_THAT(r.plugins, ElementsAre("clash"));
  EXPECT_THAT(r.components, ElementsAre("clash.noop"));
}

TEST(PluginLoader, RefusesAQualifiedComponentNameRegisteredByTwoFilesAndKeepsNothingOfTheSecond) {
  PluginSandbox box;
  auto first = box.add("dotted", "drkit-dotted-1.so");
  auto second = box.add("dotted", "drkit-dotted-2.so");
  ComponentRegistry registry;
  PluginLoader loader(registry);
  auto problems = messages(loader.load({{box.dir()}, false}));
  EXPECT_THAT(problems, ElementsAre(fmt::format(
                            "component 'left.right.thing' is registered by both {} and {}: "
                            "keep only one of them on the plugin path",
                            first.string(), second.string())));
  // The refused plugin's earlier registration ("before") must not stay behind: its code
  // belongs to a plugin drkit reported as not loaded.
  EXPECT_THAT(registry.names(), ElementsAre("left.right.thing"));
  EXPECT_EQ(registry.find_any("left.right.thing")->plugin_file, first);
  ASSERT_EQ(loader.plugins().size(), 1u);
  EXPECT_EQ(loader.plugins()[0].name, "left");
}

TEST(PluginLoader, ReportsEveryRefusedFileAndStillLoadsTheGoodOnes) {
  PluginSandbox box;
  auto abi = box.add("abi", "drkit-abi-next.so");
  auto good = box.add("good", "drkit-good.so");
  auto other = box.add("notaplugin", "drkit-notaplugin.so");
  auto core = box.add_core();
  auto r = load_dir(box.dir());
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_EQ(r.problems[0], abi_message(abi));
  EXPECT_THAT(r.problems[1], StartsWith(other.string() + " is a shared library but not a drkit plugin"));
  EXPECT_THAT(r.plugins, ElementsAre("core", "good"));
  EXPECT_THAT(r.components, ::testing::Contains("core.exec"));
  EXPECT_THAT(r.components, ::testing::Contains("good.echo"));
}

TEST(PluginLoader, AnEarlierFolderShadowsALaterPluginWithTheSameFileName) {
  PluginSandbox box;
  auto first = box.add("good", "drkit-good.so", {}, "first");
  // A different plugin under the same file name in a later folder is never opened.
  box.add("abi", "drkit-abi-next.so", "drkit-good.so", "second");
  ComponentRegistry registry;
  PluginLoader loader(registry);
  EXPECT_THAT(loader.load({{box.dir() / "first", box.dir() / "second"}, false}), ::testing::IsEmpty());
  ASSERT_EQ(loader.plugins().size(), 1u);
  EXPECT_EQ(loader.plugins()[0].file, first);
}

TEST(PluginLoader, SkipsMissingFoldersRepeatedFoldersAndFilesNotNamedLikePlugins) {
  PluginSandbox box;
  box.add("good", "drkit-good.so");
  box.add("notaplugin", "drkit-notaplugin.so", "libnotaplugin.so");
  box.add("abi", "drkit-abi-next.so", "drkit-abi-next.so.disabled");
  ComponentRegistry registry;
  PluginLoader loader(registry);
  auto problems = loader.load({{box.dir() / "missing", box.dir(), box.dir() / "." }, false});
  EXPECT_THAT(problems, ::testing::IsEmpty());
  ASSERT_EQ(loader.plugins().size(), 1u);
  EXPECT_EQ(loader.plugins()[0].name, "good");
}

TEST(PluginLoader, WithOnlyOpensJustTheNamedPluginsAndLeavesTheRestUnopened) {
  PluginSandbox box;
  box.add("good", "drkit-good.so");
  box.add("abi", "drkit-abi-next.so");  // would be refused if it were opened
  box.add_core();
  ComponentRegistry registry;
  PluginLoader loader(registry);
  LoaderOptions options{{box.dir()}, false, std::set<std::string>{"good"}};
  EXPECT_THAT(loader.load(options), ::testing::IsEmpty());
  ASSERT_EQ(loader.plugins().size(), 1u);
  EXPECT_EQ(loader.plugins()[0].name, "good");
  EXPECT_EQ(registry.find_any("core.exec"), nullptr);
}

TEST(PluginLoader, WithOnlyLoadsEverythingWhenANameHasNoFileSoErrorsAreThoseOfAFullLoad) {
  PluginSandbox box;
  box.add("good", "drkit-good.so");
  auto abi = box.add("abi", "drkit-abi-next.so");
  ComponentRegistry registry;
  PluginLoader loader(registry);
  LoaderOptions options{{box.dir()}, false, std::set<std::string>{"good", "missing"}};
  EXPECT_THAT(messages(loader.load(options)), ElementsAre(abi_message(abi)));
  ASSERT_EQ(loader.plugins().size(), 1u);
  EXPECT_EQ(loader.plugins()[0].name, "good");
}

TEST(PluginLoader, WithOnlyLoadsEverythingWhenTheFileCallsItselfByAnotherName) {
  PluginSandbox box;
  box.add("good", "drkit-good.so", "drkit-renamed.so");  // registers plugin "good"
  box.add_core();
  ComponentRegistry registry;
  PluginLoader loader(registry);
  LoaderOptions options{{box.dir()}, false, std::set<std::string>{"good"}};
  EXPECT_THAT(loader.load(options), ::testing::IsEmpty());
  EXPECT_NE(registry.find_any("good.echo"), nullptr);
  EXPECT_NE(registry.find_any("core.exec"), nullptr);  // the fallback loaded every plugin
}

TEST(PluginLoader, LoadFileRefusesAGroupWritableFileUnlessAllowed) {
  PluginSandbox box;
  auto file = box.add("good", "drkit-good.so");
  ASSERT_EQ(::chmod(file.c_str(), 0664), 0);
  ComponentRegistry registry;
  PluginLoader loader(registry);
  EXPECT_THROW(loader.load_file(file, false), std::runtime_error);
  EXPECT_TRUE(loader.plugins().empty());
  loader.load_file(file, true);
  ASSERT_EQ(loader.plugins().size(), 1u);
  EXPECT_EQ(loader.plugins()[0].name, "good");
}

TEST(PluginLoader, DefaultPluginPathPutsFlagsThenEnvironmentThenManifestThenInstalledThenBuildTree) {
  const char* old = std::getenv("DRKIT_PLUGIN_PATH");
  std::string saved = old ? old : "";
  ::setenv("DRKIT_PLUGIN_PATH", "/env/a::/env/b:", 1);
  auto path = default_plugin_path({"/flag"}, {"/manifest/plugins"});
  if (old) ::setenv("DRKIT_PLUGIN_PATH", saved.c_str(), 1);
  else ::unsetenv("DRKIT_PLUGIN_PATH");
  ASSERT_GE(path.size(), 6u);
  EXPECT_EQ(path[0], "/flag");
  EXPECT_EQ(path[1], "/env/a");
  EXPECT_EQ(path[2], "/env/b");
  EXPECT_EQ(path[3], "/manifest/plugins");
  // Next to the running executable: <prefix>/bin/x -> <prefix>/lib/drkit/plugins.
  EXPECT_EQ(path[4], fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "lib" /
                         "drkit" / "plugins");
  EXPECT_EQ(path.back(), fs::path(DRKIT_PLUGIN_DIR));
}

}  // namespace
}  // namespace drkit
