// ShareFixture: a share folder, a destination folder and the real plugin, per test.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "drkit/errors.hpp"
#include "drkit/testing.hpp"
#include "test_support.h"

namespace storage_share_test {

class ShareFixture : public ::testing::Test {
 protected:
  TempDir share_{"drkit-share-src"};
  TempDir dest_{"drkit-share-dst"};
  drkit::testing::Harness h_{{DRKIT_PLUGIN_DIR}};

  fs::path src(const std::string& name) const { return share_.path() / name; }
  fs::path dst(const std::string& name) const { return dest_.path() / name; }

  // {source, destination} plus `extra`.
  boost::json::object with(boost::json::object extra = {}) const {
    boost::json::object w{{"source", share_.str()}, {"destination", dest_.str()}};
    for (auto& kv : extra) w[kv.key()] = kv.value();
    return w;
  }

  boost::json::object copy(boost::json::object extra = {}) {
    return h_.run("storage-share.copy_backups", with(std::move(extra)));
  }

  // Every name in `names` is at the destination with the share's bytes and mtime.
  void expect_copied(const std::vector<std::string>& names) const {
    for (const auto& n : names) {
      ASSERT_TRUE(fs::exists(dst(n))) << n;
      EXPECT_EQ(size_of(dst(n)), size_of(src(n))) << n;
      EXPECT_TRUE(read_file(dst(n)) == read_file(src(n))) << n << ": content differs";
      timespec a = mtime_of(src(n)), b = mtime_of(dst(n));
      EXPECT_EQ(a.tv_sec, b.tv_sec) << n;
      EXPECT_EQ(a.tv_nsec, b.tv_nsec) << n;
    }
  }

  static std::vector<std::string> strings_of(const boost::json::value& v) {
    std::vector<std::string> out;
    for (const auto& s : v.as_array()) out.emplace_back(s.as_string());
    return out;
  }
};

}  // namespace storage_share_test
