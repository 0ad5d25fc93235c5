// A temporary folder and a harness that loaded the real drkit-hello.so from the build tree.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <drkit/testing.hpp>
#include <gtest/gtest.h>

// The folder holding the freshly built drkit-hello.so (hello_plugin_dir.cc).
std::string hello_plugin_dir();

class HelloTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hello-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  static std::string slurp(const std::string& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Loads every drkit-*.so in the folder through drkit's own loader.
  drkit::testing::Harness harness_{{hello_plugin_dir()}};
  std::filesystem::path dir_;
};
