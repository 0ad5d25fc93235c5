// Teams and webhook notices through an HTTP proxy (a Python proxy on 127.0.0.1): CONNECT
// tunnels for https with TLS verified end to end, absolute-form requests for http, Basic
// proxy credentials, and a refusing proxy.
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

class ProxyTest : public ::testing::Test {
 protected:
  void start_proxy(const std::string& require_auth = "") {
    std::vector<std::string> args = {"--outdir", proxy_dir.path().string()};
    if (!require_auth.empty()) args.insert(args.end(), {"--require-auth", require_auth});
    proxy = std::make_unique<ServerProcess>("proxy_server.py", args);
  }
  std::string proxy_url(const std::string& credentials = "") {
    return "http://" + credentials + "127.0.0.1:" + std::to_string(proxy->port());
  }

  TempDir certs;
  Certificate cert = make_certificate(certs.path(), "server");
  TempDir server_dir;
  TempDir proxy_dir;
  std::unique_ptr<ServerProcess> proxy;
  drkit::testing::Harness h{{DRKIT_PLUGIN_DIR}};
};

TEST_F(ProxyTest, TeamsOverHttpsThroughAnAuthenticatedTunnel) {
  start_proxy("drkit:Pr0xy-Pass");
  ServerProcess server("http_server.py", {"--outdir", server_dir.path().string(), "--responses",
                                          "202", "--cert", cert.cert.string(), "--key",
                                          cert.key.string()});
  auto port = std::to_string(server.port());
  json::object w{{"url", "https://localhost:" + port + "/workflows/x?sig=abc123456"},
                 {"ca_file", cert.cert.string()},
                 {"proxy", proxy_url("drkit:Pr0xy-Pass@")},
                 {"timeout", "20s"}};
  h.notify("notify.teams", w, failed_event());

  auto tunnel = wait_for_records(proxy_dir.path(), 1);
  ASSERT_EQ(tunnel.size(), 1u);
  EXPECT_EQ(tunnel[0].at("method"), "CONNECT");
  EXPECT_EQ(tunnel[0].at("target"), json::value("localhost:" + port));
  EXPECT_EQ(tunnel[0].at("proxy_authorization"), "Basic ZHJraXQ6UHIweHktUGFzcw==");
  auto received = wait_for_records(server_dir.path(), 1);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].at("json").at("attachments").at(0).at("content").at("type"), "AdaptiveCard");
  EXPECT_THAT(h.log_text(), Not(HasSubstr("Pr0xy-Pass")));
}

TEST_F(ProxyTest, TheTunnelDoesNotWeakenCertificateChecks) {
  start_proxy();
  ServerProcess server("http_server.py", {"--outdir", server_dir.path().string(), "--cert",
                                          cert.cert.string(), "--key", cert.key.string()});
  json::object w{{"url", "https://localhost:" + std::to_string(server.port()) + "/x"},
                 {"proxy", proxy_url()}, {"timeout", "20s"}};
  try {
    h.notify("notify.teams", w, failed_event());
    FAIL() << "an unknown certificate was accepted through the proxy";
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "notify.tls");
  }
  EXPECT_TRUE(records(server_dir.path()).empty());
}

TEST_F(ProxyTest, WebhookOverHttpInAbsoluteForm) {
  start_proxy();
  ServerProcess server("http_server.py", {"--outdir", server_dir.path().string(),
                                          "--hmac-secret", "k3y-for-hmac"});
  auto url = "http://127.0.0.1:" + std::to_string(server.port()) + "/hooks/drkit?team=dba";
  json::object w{{"url", url}, {"secret", "k3y-for-hmac"}, {"proxy", proxy_url()}, {"timeout", "20s"}};
  h.notify("notify.webhook", w, succeeded_event());

  auto via = wait_for_records(proxy_dir.path(), 1);
  ASSERT_EQ(via.size(), 1u);
  EXPECT_EQ(via[0].at("method"), "POST");
  EXPECT_EQ(via[0].at("target"), json::value(url));
  auto received = wait_for_records(server_dir.path(), 1);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].at("path"), "/hooks/drkit?team=dba");
  EXPECT_EQ(received[0].at("signature_valid"), true);
}

TEST_F(ProxyTest, AProxyThatRefusesIsAFinalErrorWithoutTheCredentials) {
  start_proxy("drkit:Pr0xy-Pass");
  json::object w{{"url", "https://localhost:1/x"},
                 {"proxy", proxy_url("drkit:Wr0ng-Pass@")},
                 {"timeout", "20s"}};
  try {
    h.notify("notify.teams", w, failed_event());
    FAIL() << "delivered through a proxy that refused the credentials";
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "notify.proxy.407");
    EXPECT_FALSE(e.retryable());
    EXPECT_THAT(e.what(), HasSubstr("the proxy refused a tunnel to https://localhost:1"));
    EXPECT_THAT(e.what(), Not(HasSubstr("Wr0ng-Pass")));
  }
  EXPECT_EQ(records(proxy_dir.path()).size(), 1u);
}

TEST_F(ProxyTest, RejectsAProxyThatIsNotHttp) {
  json::object w{{"url", "https://localhost:1/x"}, {"proxy", "socks5://127.0.0.1:1080"}};
  EXPECT_THROW(h.notify("notify.teams", w, failed_event()), drkit::ConfigError);
}

}  // namespace
