// Redactor (framework/src/redactor.cc): secrets never leave as themselves.
#include "redactor.h"

#include <thread>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace drkit {
namespace {

TEST(Redactor, MasksEveryOccurrenceOfEverySecret) {
  Redactor r;
  EXPECT_TRUE(r.empty());
  r.add("hunter2");
  r.add("s3cr3t-token");
  EXPECT_FALSE(r.empty());
  EXPECT_EQ(r.redact("login with hunter2, then hunter2 again; token=s3cr3t-token."),
            "login with ***, then *** again; token=***.");
  EXPECT_EQ(r.redact("nothing secret here"), "nothing secret here");
}

TEST(Redactor, MasksTheLongerOfOverlappingSecretsWhole) {
  Redactor r;
  r.add("pass");
  r.add("password123");
  // Were "pass" masked first, "***word123" would leak most of the longer secret.
  EXPECT_EQ(r.redact("pw=password123 p=pass"), "pw=*** p=***");
}

TEST(Redactor, IgnoresValuesTooShortToBeSecretsAndDuplicates) {
  Redactor r;
  r.add("");
  r.add("1");
  r.add("ab");
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.redact("a 1 ab"), "a 1 ab");
  r.add("abc");
  r.add("abc");
  EXPECT_EQ(r.redact("abcabc"), "******");
}

TEST(Redactor, ASecretContainingTheMaskDoesNotLoop) {
  Redactor r;
  r.add("a***b");
  r.add("***");
  EXPECT_EQ(r.redact("x a***b y *** z"), "x *** y *** z");
}

TEST(Redactor, RedactsEveryStringInsideJsonButNotTheKeys) {
  Redactor r;
  r.add("hunter2");
  auto v = boost::json::parse(R"({"hunter2": "pw hunter2", "list": ["hunter2", 5, {"k": "hunter2x"}]})");
  EXPECT_EQ(r.redact_json(v),
            boost::json::parse(R"({"hunter2": "pw ***", "list": ["***", 5, {"k": "***x"}]})"));
}

TEST(Redactor, IsSafeToUseFromSeveralThreads) {
  Redactor r;
  r.add("secret-0");
  std::vector<std::jthread> threads;
  std::atomic<int> leaks{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        r.add("secret-" + std::to_string(t * 1000 + i + 1));
        if (r.redact("x secret-0 y").find("secret-0") != std::string::npos) ++leaks;
      }
    });
  }
  threads.clear();
  EXPECT_EQ(leaks.load(), 0);
  EXPECT_EQ(r.redact("secret-3200 secret-1"), "*** ***");
}

}  // namespace
}  // namespace drkit
