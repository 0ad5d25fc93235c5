// notify.teams against a local HTTP(S) server: the Adaptive Card and MessageCard shapes,
// 429/5xx retries with Retry-After, final errors, and the URL's token kept out of logs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "drkit/errors.hpp"
#include "drkit/testing.hpp"
#include "test_support.hpp"

namespace {

using namespace notify_test;
using ::testing::HasSubstr;
using ::testing::Not;
namespace json = boost::json;

class TeamsTest : public ::testing::Test {
 protected:
  void start(const std::string& responses, bool tls = false) {
    std::vector<std::string> args = {"--outdir", dir.path().string(), "--responses", responses};
    if (tls) {
      cert = make_certificate(certs.path(), "server");
      args.insert(args.end(), {"--cert", cert.cert.string(), "--key", cert.key.string()});
    }
    server = std::make_unique<ServerProcess>("http_server.py", args);
  }
  std::string url(const std::string& scheme = "http") {
    return scheme + "://localhost:" + std::to_string(server->port()) +
           "/workflows/7f3a/triggers/manual/paths/invoke?api-version=1&sig=Sig-T0ken-42";
  }
  json::object with(const std::string& scheme = "http") {
    return json::object{{"url", url(scheme)}, {"retry_delay", "100ms"}, {"timeout", "20s"}};
  }

  TempDir certs;
  Certificate cert;
  TempDir dir;
  std::unique_ptr<ServerProcess> server;
  drkit::testing::Harness h{{DRKIT_PLUGIN_DIR}};
};

// The value of the fact titled `title` in an Adaptive Card FactSet, or "" when absent.
std::string fact(const json::object& card, const std::string& title) {
  for (const auto& block : card.at("body").as_array()) {
    if (block.at("type") != "FactSet") continue;
    for (const auto& f : block.at("facts").as_array())
      if (f.at("title") == title.c_str()) return std::string(f.at("value").as_string());
  }
  return "";
}

TEST_F(TeamsTest, PostsAnAdaptiveCardForAFailedStep) {
  start("202");
  h.notify("notify.teams", with(), failed_event());
  auto r = wait_for_records(dir.path(), 1);
  ASSERT_EQ(r.size(), 1u);
  const auto& req = r[0].as_object();
  EXPECT_EQ(req.at("path"), "/workflows/7f3a/triggers/manual/paths/invoke?api-version=1&sig=Sig-T0ken-42");
  EXPECT_EQ(req.at("headers").at("Content-Type"), "application/json");
  const auto& msg = req.at("json").as_object();
  EXPECT_EQ(msg.at("type"), "message");
  const auto& att = msg.at("attachments").as_array().at(0).as_object();
  EXPECT_EQ(att.at("contentType"), "application/vnd.microsoft.card.adaptive");
  const auto& card = att.at("content").as_object();
  EXPECT_EQ(card.at("type"), "AdaptiveCard");
  EXPECT_EQ(card.at("version"), "1.4");
  const auto& title = card.at("body").as_array().at(0).as_object();
  EXPECT_EQ(title.at("type"), "TextBlock");
  EXPECT_EQ(title.at("text"), "failover: step restore-mgc failed");
  EXPECT_EQ(title.at("color"), "Attention");
  EXPECT_EQ(fact(card, "Run"), "20261123-141503-7f3a");
  EXPECT_EQ(fact(card, "Pipeline"), "failover");
  EXPECT_EQ(fact(card, "Environment"), "lab");
  EXPECT_EQ(fact(card, "Step"), "restore-mgc");
  EXPECT_EQ(fact(card, "Status"), "failed");
  EXPECT_EQ(fact(card, "Duration"), "12s");
  // The error excerpt: a monospace block after an "Error" heading.
  const auto& last = card.at("body").as_array().back().as_object();
  EXPECT_EQ(last.at("fontType"), "Monospace");
  EXPECT_THAT(std::string(last.at("text").as_string()), HasSubstr("Msg 4305"));
  EXPECT_THAT(std::string(last.at("text").as_string()), HasSubstr("RESTORE LOG is terminating"));
}

TEST_F(TeamsTest, SuccessIsGreenWithoutErrorAndTitleIsATemplate) {
  start("202");
  auto w = with();
  w["title"] = "[{environment}] {pipeline} {status}";
  h.notify("notify.teams", w, succeeded_event());
  auto r = wait_for_records(dir.path(), 1);
  ASSERT_EQ(r.size(), 1u);
  const auto& card = r[0].at("json").at("attachments").at(0).at("content").as_object();
  const auto& body = card.at("body").as_array();
  EXPECT_EQ(body.at(0).at("text"), "[lab] failover succeeded");
  EXPECT_EQ(body.at(0).at("color"), "Good");
  EXPECT_EQ(fact(card, "Step"), "");
  EXPECT_EQ(fact(card, "Duration"), "4m12s");
  for (const auto& b : body) {
    if (b.at("type") == "TextBlock") {
      EXPECT_NE(b.at("text"), "Error");
    }
  }
}

TEST_F(TeamsTest, LegacyMessageCard) {
  start("200");
  auto w = with();
  w["format"] = "message_card";
  h.notify("notify.teams", w, failed_event());
  auto r = wait_for_records(dir.path(), 1);
  ASSERT_EQ(r.size(), 1u);
  const auto& card = r[0].at("json").as_object();
  EXPECT_EQ(card.at("@type"), "MessageCard");
  EXPECT_EQ(card.at("themeColor"), "D13438");
  EXPECT_EQ(card.at("summary"), "failover: step restore-mgc failed");
  const auto& section = card.at("sections").at(0).as_object();
  EXPECT_THAT(std::string(section.at("text").as_string()), HasSubstr("Msg 4305"));
  json::array facts = section.at("facts").as_array();
  EXPECT_EQ(facts.at(0), (json::object{{"name", "Run"}, {"value", "20261123-141503-7f3a"}}));
}

TEST_F(TeamsTest, RetriesAfter429And500HonouringRetryAfter) {
  start("429:1,500,202");
  h.notify("notify.teams", with(), failed_event());
  auto r = records(dir.path());
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].at("body"), r[2].at("body"));  // the same card each time
  auto log = h.log_text();
  EXPECT_THAT(log, HasSubstr("attempt 1 of 3 failed: POST http://localhost:"));
  EXPECT_THAT(log, HasSubstr("HTTP 429"));
  EXPECT_THAT(log, HasSubstr("retrying in 1s (Retry-After)"));
  EXPECT_THAT(log, HasSubstr("attempt 2 of 3 failed"));
  EXPECT_THAT(log, HasSubstr("HTTP 500"));
  EXPECT_THAT(log, HasSubstr("delivered on attempt 3 of 3"));
}

TEST_F(TeamsTest, GivesUpAfterTheLastAttempt) {
  start("503");
  auto w = with();
  w["attempts"] = 2;
  try {
    h.notify("notify.teams", w, failed_event());
    FAIL() << "delivered to a server that always answers 503";
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "notify.http.503");
    EXPECT_TRUE(e.retryable());
    EXPECT_THAT(e.what(), HasSubstr("server says no (503)"));
    EXPECT_THAT(e.what(), HasSubstr("gave up after 2 attempts"));
  }
  EXPECT_EQ(records(dir.path()).size(), 2u);
}

TEST_F(TeamsTest, ClientErrorsAreNotRetried) {
  start("400");
  try {
    h.notify("notify.teams", with(), failed_event());
    FAIL() << "a 400 answer counted as delivered";
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "notify.http.400");
    EXPECT_FALSE(e.retryable());
  }
  EXPECT_EQ(records(dir.path()).size(), 1u);
}

TEST_F(TeamsTest, RetryAfterLongerThanTheCapEndsTheDelivery) {
  start("429:3600");
  auto w = with();
  w["max_retry_delay"] = "5s";
  try {
    h.notify("notify.teams", w, failed_event());
    FAIL();
  } catch (const drkit::StepError& e) {
    EXPECT_THAT(e.what(), HasSubstr("asked to retry after 1h, more than max_retry_delay 5s"));
  }
  EXPECT_EQ(records(dir.path()).size(), 1u);
}

TEST_F(TeamsTest, HttpsVerifiesTheCertificate) {
  start("202", true);
  try {
    h.notify("notify.teams", with("https"), failed_event());
    FAIL() << "an unknown self-signed certificate was accepted";
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "notify.tls");
  }
  EXPECT_TRUE(records(dir.path()).empty());
  auto w = with("https");
  w["ca_file"] = cert.cert.string();
  h.notify("notify.teams", w, failed_event());
  EXPECT_EQ(wait_for_records(dir.path(), 1).size(), 1u);
}

TEST_F(TeamsTest, TheUrlTokenStaysOutOfLogsAndErrors) {
  start("500");
  auto w = with();
  w["attempts"] = 2;
  try {
    h.notify("notify.teams", w, failed_event());
    FAIL();
  } catch (const drkit::StepError& e) {
    EXPECT_THAT(e.what(), Not(HasSubstr("Sig-T0ken-42")));
  }
  EXPECT_THAT(h.log_text(), HasSubstr("attempt 1 of 2 failed"));
  EXPECT_THAT(h.log_text(), Not(HasSubstr("Sig-T0ken-42")));
}

}  // namespace
