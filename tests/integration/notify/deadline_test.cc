// A server that accepts connections but never answers must not hold notify() past its
// timeout, nor past the engine's cancellation at the delivery deadline.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <boost/json.hpp>

#include "drkit/errors.hpp"
#include "drkit/testing.hpp"
#include "test_support.hpp"

namespace {

using namespace notify_test;
using ::testing::HasSubstr;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// Listens and never accepts: the kernel completes the handshake, so the client connects,
// sends, and then waits for an answer that never comes.
class SilentServer {
 public:
  SilentServer() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0), 64) {}
  int port() const { return socket_.address().port(); }

 private:
  Poco::Net::ServerSocket socket_;
};

class DeadlineTest : public ::testing::Test {
 protected:
  SilentServer silent;
  drkit::testing::Harness h{{DRKIT_PLUGIN_DIR}};
  std::string http_url() { return "http://127.0.0.1:" + std::to_string(silent.port()) + "/x"; }
};

TEST_F(DeadlineTest, WebhookTimesOutThenGivesUp) {
  json::object w{{"url", http_url()}, {"timeout", "1s"}, {"attempts", 2}, {"retry_delay", "100ms"}};
  try {
    h.notify("notify.webhook", w, failed_event());
    FAIL() << "a server that never answers counted as delivered";
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "notify.timeout");
    EXPECT_TRUE(e.retryable());
    EXPECT_THAT(e.what(), HasSubstr("gave up after 2 attempts"));
  }
}

TEST_F(DeadlineTest, CancellationEndsAWaitingWebhook) {
  json::object w{{"url", http_url()}, {"timeout", "10m"}};
  h.cancel_after(std::chrono::milliseconds(300));
  auto start = Clock::now();
  EXPECT_THROW(h.notify("notify.webhook", w, failed_event()), drkit::Cancelled);
  // Far below the 10-minute timeout: the cancellation, not the timeout, ended the wait.
  EXPECT_LT(Clock::now() - start, std::chrono::minutes(2));
}

TEST_F(DeadlineTest, ATlsHandshakeThatNeverCompletesTimesOut) {
  json::object w{{"url", "https://127.0.0.1:" + std::to_string(silent.port()) + "/x"},
                 {"timeout", "1s"}, {"attempts", 1}};
  try {
    h.notify("notify.teams", w, failed_event());
    FAIL() << "a server that never answers the handshake counted as delivered";
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "notify.timeout") << e.what();
    EXPECT_TRUE(e.retryable());
  }
}

TEST_F(DeadlineTest, CancellationEndsATlsHandshake) {
  json::object w{{"host", "localhost"}, {"port", silent.port()}, {"tls", "tls"},
                 {"from", "drkit@contoso.com"}, {"to", json::array{"ops@contoso.com"}},
                 {"timeout", "10m"}};
  h.cancel_after(std::chrono::milliseconds(300));
  auto start = Clock::now();
  EXPECT_THROW(h.notify("notify.email", w, failed_event()), drkit::Cancelled);
  EXPECT_LT(Clock::now() - start, std::chrono::minutes(2));
}

TEST_F(DeadlineTest, CancellationEndsAWaitingTeamsPost) {
  json::object w{{"url", http_url()}, {"timeout", "10m"}};
  h.cancel_after(std::chrono::milliseconds(300));
  auto start = Clock::now();
  EXPECT_THROW(h.notify("notify.teams", w, failed_event()), drkit::Cancelled);
  EXPECT_LT(Clock::now() - start, std::chrono::minutes(2));
}

TEST_F(DeadlineTest, CancellationEndsAnSmtpSessionWaitingForTheGreeting) {
  json::object w{{"host", "127.0.0.1"}, {"port", silent.port()}, {"tls", "none"},
                 {"from", "drkit@contoso.com"}, {"to", json::array{"ops@contoso.com"}},
                 {"timeout", "10m"}};
  h.cancel_after(std::chrono::milliseconds(300));
  auto start = Clock::now();
  EXPECT_THROW(h.notify("notify.email", w, failed_event()), drkit::Cancelled);
  EXPECT_LT(Clock::now() - start, std::chrono::minutes(2));
}

TEST_F(DeadlineTest, SmtpTimesOutWaitingForTheGreeting) {
  json::object w{{"host", "127.0.0.1"}, {"port", silent.port()}, {"tls", "none"},
                 {"from", "drkit@contoso.com"}, {"to", json::array{"ops@contoso.com"}},
                 {"timeout", "1s"}, {"attempts", 1}};
  try {
    h.notify("notify.email", w, failed_event());
    FAIL();
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "notify.timeout");
  }
}

TEST_F(DeadlineTest, CancellationEndsTheWaitBetweenAttempts) {
  TempDir dir;
  ServerProcess server("http_server.py", {"--outdir", dir.path().string(), "--responses", "503"});
  json::object w{{"url", "http://127.0.0.1:" + std::to_string(server.port()) + "/x"},
                 {"retry_delay", "10m"}, {"max_retry_delay", "10m"}};
  h.cancel_after(std::chrono::seconds(2));
  auto start = Clock::now();
  EXPECT_THROW(h.notify("notify.webhook", w, failed_event()), drkit::Cancelled);
  // The retry would have waited 10 minutes.
  EXPECT_LT(Clock::now() - start, std::chrono::minutes(2));
  EXPECT_LE(records(dir.path()).size(), 1u);
}

}  // namespace
