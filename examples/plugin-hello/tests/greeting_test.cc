// The greeting file's pure logic, without loading the plugin.
#include "greeting.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include <gtest/gtest.h>

namespace {

TEST(Greeting, LineJoinsGreetingAndName) { EXPECT_EQ(hello::greeting_line("Hi", "Ada"), "Hi, Ada!"); }

TEST(Greeting, TextRepeatsTheLine) {
  EXPECT_EQ(hello::greeting_text("Hello", "Ada", 3), "Hello, Ada!\nHello, Ada!\nHello, Ada!\n");
}

TEST(Greeting, FindsTheLineThatGreetsTheName) {
  EXPECT_EQ(hello::find_greeting_for("Hi, Bob!\nHowdy, Ada!\n", "Ada"), "Howdy, Ada!");
  EXPECT_EQ(hello::find_greeting_for("Hi, Bob!", "Ada"), std::nullopt);
  // The name must be the whole name, not a suffix of another one.
  EXPECT_EQ(hello::find_greeting_for("Hi, Linda!", "da"), std::nullopt);
  EXPECT_EQ(hello::find_greeting_for("", "Ada"), std::nullopt);
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hello-greeting-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(TempDir, ReadsAFileOrNothingWhenMissing) {
  EXPECT_EQ(hello::read_file_if_exists((dir_ / "missing").string()), std::nullopt);
  std::ofstream(dir_ / "g.txt") << "Hello, Ada!\n";
  EXPECT_EQ(hello::read_file_if_exists((dir_ / "g.txt").string()), "Hello, Ada!\n");
  // Under a file: cannot exist.
  EXPECT_EQ(hello::read_file_if_exists((dir_ / "g.txt" / "x").string()), std::nullopt);
}

TEST_F(TempDir, ThrowsNamingTheFileWhenItCannotBeRead) {
  // A folder where a file is expected: not "missing", an error.
  try {
    hello::read_file_if_exists(dir_.string());
    FAIL() << "reading a folder should throw";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find(dir_.string()), std::string::npos) << e.what();
  }
}

}  // namespace
