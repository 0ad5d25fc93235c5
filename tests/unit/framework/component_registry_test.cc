// ComponentRegistry (framework/src/component_registry.cc): qualified names, kinds, loud
// duplicates, freezing, and removal of a plugin's components.
#include "component_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drkit/errors.hpp"

namespace drkit {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class NoopStep final : public Step {
 public:
  Plan plan(Context&) override { return {"nothing"}; }
  boost::json::object run(Context&) override { return {}; }
};
StepFactory noop() {
  return [](const Params&) { return std::make_unique<NoopStep>(); };
}

std::string refusal(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ComponentRegistry, QualifiesNamesAndKeepsKindsApart) {
  ComponentRegistry r;
  r.begin_plugin("sql", "/p/drkit-sql.so");
  r.add_step({.name = "restore", .summary = "s"}, noop());
  r.add_resource_type({.name = "instance", .summary = "r"});
  EXPECT_THAT(r.names(), ElementsAre("sql.instance", "sql.restore"));
  EXPECT_THAT(r.names(ComponentKind::step), ElementsAre("sql.restore"));
  EXPECT_THAT(r.names(ComponentKind::probe), IsEmpty());
  ASSERT_NE(r.find("sql.restore", ComponentKind::step), nullptr);
  EXPECT_EQ(r.find("sql.restore", ComponentKind::step)->plugin, "sql");
  EXPECT_EQ(r.find("sql.restore", ComponentKind::probe), nullptr);
  EXPECT_EQ(r.find_any("sql.instance")->kind, ComponentKind::resource);
  EXPECT_EQ(r.find_any("restore"), nullptr);
}

TEST(ComponentRegistry, ANameRegisteredTwiceByOnePluginNamesThePlugin) {
  ComponentRegistry r;
  r.begin_plugin("sql", "/p/drkit-sql.so");
  r.add_step({.name = "restore", .summary = "s"}, noop());
  EXPECT_EQ(refusal([&] { r.add_probe({.name = "restore", .summary = "p"}, {}); }),
            "component 'sql.restore' is registered twice by /p/drkit-sql.so: names must be "
            "unique within a plugin");
}

TEST(ComponentRegistry, ANameRegisteredByTwoFilesNamesBothAndSaysWhatToDo) {
  ComponentRegistry r;
  r.begin_plugin("a", "/one/drkit-a.so");
  r.add_step({.name = "b.c", .summary = "s"}, noop());
  r.begin_plugin("a.b", "/two/drkit-ab.so");
  EXPECT_EQ(refusal([&] { r.add_step({.name = "c", .summary = "s"}, noop()); }),
            "component 'a.b.c' is registered by both /one/drkit-a.so and /two/drkit-ab.so: keep "
            "only one of them on the plugin path");
}

TEST(ComponentRegistry, AFrozenRegistryRefusesRegistrations) {
  ComponentRegistry r;
  r.begin_plugin("late", "/p/drkit-late.so");
  r.freeze();
  EXPECT_EQ(refusal([&] { r.add_step({.name = "x", .summary = "s"}, noop()); }),
            "the component registry is frozen: register at load time");
  EXPECT_THAT(r.names(), IsEmpty());
}

TEST(ComponentRegistry, RemovesEverythingOneFileRegisteredAndNothingElse) {
  ComponentRegistry r;
  r.begin_plugin("keep", "/p/drkit-keep.so");
  r.add_step({.name = "x", .summary = "s"}, noop());
  r.begin_plugin("drop", "/p/drkit-drop.so");
  r.add_step({.name = "x", .summary = "s"}, noop());
  r.add_resource_type({.name = "y", .summary = "r"});
  r.abandon_plugin();
  EXPECT_THAT(r.names(), ElementsAre("keep.x"));
  r.freeze();
  r.remove_plugin_file("/p/drkit-keep.so");  // allowed when frozen: the loader unloads
  EXPECT_THAT(r.names(), IsEmpty());
}

}  // namespace
}  // namespace drkit
