// notify.webhook against a local HTTP server: the event JSON, an HMAC-SHA256 signature the
// server verifies with Python's hmac, custom headers, retries, and secrets kept out of logs.
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

constexpr const char* kSecret = "hmac-Key-0f-the-receiver";

class WebhookTest : public ::testing::Test {
 protected:
  void start(const std::string& responses, const std::string& server_secret = kSecret,
             const std::string& header = "X-Drkit-Signature-256") {
    server = std::make_unique<ServerProcess>(
        "http_server.py",
        std::vector<std::string>{"--outdir", dir.path().string(), "--responses", responses,
                                 "--hmac-secret", server_secret, "--signature-header", header});
  }
  json::object with() {
    return json::object{{"url", "http://127.0.0.1:" + std::to_string(server->port()) + "/hooks/drkit"},
                        {"retry_delay", "100ms"},
                        {"timeout", "20s"}};
  }

  TempDir dir;
  std::unique_ptr<ServerProcess> server;
  drkit::testing::Harness h{{DRKIT_PLUGIN_DIR}};
};

TEST_F(WebhookTest, PostsTheEventSignedWithCustomHeaders) {
  start("204");
  auto w = with();
  w["secret"] = kSecret;
  w["headers"] = json::object{{"Authorization", "Bearer tok-abc-123"}, {"X-Env", "lab"},
                              {"X-Pipeline", "failover"}};
  auto event = failed_event();
  h.notify("notify.webhook", w, event);

  auto r = wait_for_records(dir.path(), 1);
  ASSERT_EQ(r.size(), 1u);
  const auto& req = r[0].as_object();
  EXPECT_EQ(req.at("path"), "/hooks/drkit");
  EXPECT_EQ(req.at("signature_valid"), true);
  EXPECT_EQ(req.at("json"), event.to_json());
  const auto& headers = req.at("headers").as_object();
  EXPECT_EQ(headers.at("Authorization"), "Bearer tok-abc-123");
  EXPECT_EQ(headers.at("X-Env"), "lab");
  // Header values are masked in logs, not in the event: "failover" is left intact.
  EXPECT_THAT(std::string(req.at("body").as_string()), HasSubstr("\"pipeline\":\"failover\""));
  EXPECT_EQ(headers.at("X-Drkit-Event"), "step.failed");
  EXPECT_EQ(headers.at("Content-Type"), "application/json");
  EXPECT_THAT(std::string(headers.at("X-Drkit-Signature-256").as_string()),
              ::testing::MatchesRegex("sha256=[0-9a-f]{64}"));
}

TEST_F(WebhookTest, AWrongKeyFailsTheReceiversCheck) {
  start("200", "the-receivers-other-key");
  auto w = with();
  w["secret"] = kSecret;
  h.notify("notify.webhook", w, succeeded_event());
  auto r = wait_for_records(dir.path(), 1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].at("signature_valid"), false);
}

TEST_F(WebhookTest, CustomSignatureHeaderAndNoSignatureWithoutSecret) {
  start("200", kSecret, "X-Hub-Signature-256");
  auto w = with();
  w["secret"] = kSecret;
  w["signature_header"] = "X-Hub-Signature-256";
  h.notify("notify.webhook", w, succeeded_event());
  h.notify("notify.webhook", with(), succeeded_event());
  auto r = wait_for_records(dir.path(), 2);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].at("signature_valid"), true);
  EXPECT_EQ(r[1].at("signature_valid"), false);
  EXPECT_FALSE(r[1].at("headers").as_object().contains("X-Hub-Signature-256"));
}

TEST_F(WebhookTest, RetriesKeepTheDeliveryIdAndSignature) {
  start("500,429:1,200");
  auto w = with();
  w["secret"] = kSecret;
  h.notify("notify.webhook", w, failed_event());
  auto r = records(dir.path());
  ASSERT_EQ(r.size(), 3u);
  for (const auto& req : r) {
    EXPECT_EQ(req.at("signature_valid"), true);
    EXPECT_EQ(req.at("headers").at("X-Drkit-Delivery"), r[0].at("headers").at("X-Drkit-Delivery"));
  }
  EXPECT_THAT(h.log_text(), HasSubstr("delivered on attempt 3 of 3"));
}

TEST_F(WebhookTest, SecretsNeverReachLogsOrErrors) {
  // The server quotes the Authorization header back in its error body.
  start("400:echo");
  auto w = with();
  w["secret"] = kSecret;
  w["headers"] = json::object{{"Authorization", "Bearer tok-abc-123"}};
  try {
    h.notify("notify.webhook", w, failed_event());
    FAIL() << "a 400 answer counted as delivered";
  } catch (const drkit::StepError& e) {
    EXPECT_THAT(e.what(), HasSubstr("bad token: ***"));
    EXPECT_THAT(e.what(), Not(HasSubstr("tok-abc-123")));
    EXPECT_EQ(e.code(), "notify.http.400");
  }
  EXPECT_THAT(h.log_text(), Not(HasSubstr("tok-abc-123")));
  EXPECT_THAT(h.log_text(), Not(HasSubstr(kSecret)));
}

TEST_F(WebhookTest, RejectsBadHeadersAndUrls) {
  start("200");
  auto w = with();
  w["headers"] = json::object{{"Bad Header", "x"}};
  EXPECT_THROW(h.notify("notify.webhook", w, failed_event()), drkit::ConfigError);
  w = with();
  w["headers"] = json::object{{"X-Ok", "line\r\nInjected: yes"}};
  EXPECT_THROW(h.notify("notify.webhook", w, failed_event()), drkit::ConfigError);
  w = with();
  w["url"] = "ftp://example.com/x";
  EXPECT_THROW(h.notify("notify.webhook", w, failed_event()), drkit::ConfigError);
  EXPECT_TRUE(records(dir.path()).empty());
}

}  // namespace
