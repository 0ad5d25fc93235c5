// notify.email against a real SMTP server (aiosmtpd) on 127.0.0.1: plain, STARTTLS and
// implicit TLS, AUTH PLAIN and LOGIN, certificate checks, retries; the received message is
// parsed by Python's email package and checked here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/SSLManager.h>
#include <boost/json.hpp>

#include "drkit/errors.hpp"
#include "drkit/testing.hpp"
#include "test_support.hpp"

namespace {

using namespace notify_test;
using ::testing::HasSubstr;
using ::testing::Not;
namespace json = boost::json;

constexpr const char* kPassword = "s3cret-Pa55word";

class EmailTest : public ::testing::Test {
 protected:
  void start(const std::string& mode, bool with_auth = false, int fail_first = 0) {
    std::vector<std::string> args = {"--outdir", dir.path().string(), "--mode", mode,
                                      "--fail-first", std::to_string(fail_first)};
    if (mode != "none") {
      args.insert(args.end(), {"--cert", cert.cert.string(), "--key", cert.key.string()});
    }
    if (with_auth) args.insert(args.end(), {"--user", "drkit"});
    server = std::make_unique<ServerProcess>("smtp_server.py", args,
                                             std::map<std::string, std::string>{{"SMTP_TEST_PASSWORD", kPassword}});
  }

  json::object with(const std::string& tls) {
    return json::object{{"host", "localhost"},
                        {"port", server->port()},
                        {"tls", tls},
                        {"from", "drkit <drkit@contoso.com>"},
                        {"to", json::array{"Ops <ops@contoso.com>"}},
                        {"retry_delay", "100ms"},
                        {"timeout", "20s"}};
  }

  json::object received(std::size_t n = 1) {
    auto r = wait_for_records(dir.path(), n);
    EXPECT_EQ(r.size(), n);
    return r.empty() ? json::object{} : r.back().as_object();
  }

  TempDir certs;
  Certificate cert = make_certificate(certs.path(), "server");
  TempDir dir;
  std::unique_ptr<ServerProcess> server;
  drkit::testing::Harness h{{DRKIT_PLUGIN_DIR}};
};

TEST_F(EmailTest, PlainDeliversTextAndHtmlWithEncodedHeaders) {
  start("none");
  auto w = with("none");
  w["to"] = json::array{"Équipe Ops <ops@contoso.com>", "dba@contoso.com"};
  w["cc"] = json::array{"\"Lead, On Call\" <lead@contoso.com>"};
  w["bcc"] = json::array{"audit@contoso.com"};
  w["subject"] = "Basculement {pipeline} ✓ {step_id}: {status} (essai {data.attempt})";
  h.notify("notify.email", w, failed_event());

  auto m = received();
  EXPECT_EQ(m.at("mail_from"), "drkit@contoso.com");
  EXPECT_EQ(m.at("rcpt_tos"), (json::array{"ops@contoso.com", "dba@contoso.com",
                                           "lead@contoso.com", "audit@contoso.com"}));
  EXPECT_EQ(m.at("subject"), "Basculement failover ✓ restore-mgc: failed (essai 2)");
  EXPECT_THAT(std::string(m.at("raw_subject").as_string()), ::testing::StartsWith("=?UTF-8?B?"));
  EXPECT_EQ(m.at("from"), "drkit <drkit@contoso.com>");
  EXPECT_EQ(m.at("to"), (json::array{"Équipe Ops <ops@contoso.com>", "dba@contoso.com"}));
  EXPECT_EQ(m.at("cc"), (json::array{"\"Lead, On Call\" <lead@contoso.com>"}));
  EXPECT_EQ(m.at("has_bcc_header"), false);
  EXPECT_THAT(std::string(m.at("message_id").as_string()),
              ::testing::MatchesRegex("<[0-9a-f]{32}\\.drkit@contoso\\.com>"));
  EXPECT_EQ(m.at("date_utc_offset").to_number<double>(), 0.0);
  auto sent = m.at("date_epoch").to_number<double>();
  auto now = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  EXPECT_NEAR(sent, now, 3600.0) << "Date header: " << m.at("date");
  EXPECT_EQ(m.at("headers").at("Auto-Submitted"), "auto-generated");
  EXPECT_EQ(m.at("headers").at("X-Drkit-Run"), "20261123-141503-7f3a");

  EXPECT_EQ(m.at("content_type"), "multipart/alternative");
  const auto& parts = m.at("parts").as_array();
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].at("content_type"), "text/plain");
  EXPECT_EQ(parts[0].at("charset"), "utf-8");
  std::string text(parts[0].at("content").as_string());
  EXPECT_THAT(text, HasSubstr("failover: step restore-mgc failed"));
  EXPECT_THAT(text, HasSubstr("20261123-141503-7f3a"));
  EXPECT_THAT(text, HasSubstr("12s"));
  EXPECT_THAT(text, HasSubstr("Msg 4305"));
  EXPECT_EQ(parts[1].at("content_type"), "text/html");
  std::string html(parts[1].at("content").as_string());
  EXPECT_THAT(html, HasSubstr("<th align=\"left\">Step</th><td>restore-mgc</td>"));
  EXPECT_THAT(html, HasSubstr("restore of [mgc] failed on backup_sql"));
  EXPECT_THAT(html, HasSubstr("color:#D13438"));

  // Bcc recipients get the mail but appear nowhere in it.
  EXPECT_THAT(read_file(dir.path() / "001.eml"), Not(HasSubstr("audit@contoso.com")));
}

TEST_F(EmailTest, TemplatesAndTextOnly) {
  start("none");
  auto w = with("none");
  w["html"] = false;
  w["subject"] = "{{drkit}} {environment}/{pipeline}";
  w["body"] = "run {run_id} step {step_id} is {status} after {duration}\n{message}";
  h.notify("notify.email", w, failed_event());
  auto m = received();
  EXPECT_EQ(m.at("subject"), "{drkit} lab/failover");
  EXPECT_EQ(m.at("content_type"), "text/plain");
  const auto& parts = m.at("parts").as_array();
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].at("content"),
            "run 20261123-141503-7f3a step restore-mgc is failed after 12s\n"
            "restore of [mgc] failed on backup_sql");
}

TEST_F(EmailTest, HtmlTemplateEscapesValues) {
  start("none");
  auto w = with("none");
  w["html_body"] = "<p>{message}</p>";
  auto e = failed_event();
  e.message = "<script>alert(1)</script> & co";
  h.notify("notify.email", w, e);
  auto m = received();
  EXPECT_EQ(m.at("parts").as_array()[1].at("content"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>");
}

TEST_F(EmailTest, StartTlsWithAuthPlain) {
  start("starttls", true);
  auto w = with("starttls");
  w["ca_file"] = cert.cert.string();
  w["username"] = "drkit";
  w["password"] = kPassword;
  h.notify("notify.email", w, succeeded_event());
  auto m = received();
  EXPECT_EQ(m.at("tls"), true);
  EXPECT_EQ(m.at("auth_user"), "drkit");
  EXPECT_EQ(m.at("auth_mechanism"), "PLAIN");
  EXPECT_THAT(std::string(m.at("subject").as_string()), HasSubstr("failover: run succeeded"));
  EXPECT_THAT(h.log_text(), Not(HasSubstr(kPassword)));
}

TEST_F(EmailTest, StartTlsWithAuthLogin) {
  start("starttls", true);
  auto w = with("starttls");
  w["ca_file"] = cert.cert.string();
  w["auth"] = "login";
  w["username"] = "drkit";
  w["password"] = kPassword;
  h.notify("notify.email", w, succeeded_event());
  auto m = received();
  EXPECT_EQ(m.at("tls"), true);
  EXPECT_EQ(m.at("auth_mechanism"), "LOGIN");
}

TEST_F(EmailTest, ImplicitTls) {
  start("tls", true);
  auto w = with("tls");
  w["ca_file"] = cert.cert.string();
  w["username"] = "drkit";
  w["password"] = kPassword;
  h.notify("notify.email", w, failed_event());
  auto m = received();
  EXPECT_EQ(m.at("tls"), true);
  EXPECT_EQ(m.at("auth_user"), "drkit");
}

TEST_F(EmailTest, CertificateIsVerifiedByDefault) {
  start("starttls");
  try {
    h.notify("notify.email", with("starttls"), failed_event());
    FAIL() << "an unknown self-signed certificate was accepted";
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "notify.tls");
    EXPECT_FALSE(e.retryable());
    EXPECT_THAT(e.what(), HasSubstr("ca_file"));
  }
  EXPECT_TRUE(records(dir.path()).empty());

  // Trusting another CA is no better.
  auto other = make_certificate(certs.path(), "other");
  auto w = with("starttls");
  w["ca_file"] = other.cert.string();
  EXPECT_THROW(h.notify("notify.email", w, failed_event()), drkit::StepError);
  EXPECT_TRUE(records(dir.path()).empty());

  // Only an explicit opt-out skips the check.
  w = with("starttls");
  w["insecure_skip_verify"] = true;
  h.notify("notify.email", w, failed_event());
  EXPECT_EQ(received().at("tls"), true);
}

TEST_F(EmailTest, CertificateMustNameTheHost) {
  // A trusted certificate, but for another host name.
  cert = make_certificate(certs.path(), "elsewhere", "mail.elsewhere.example");
  start("tls");
  auto w = with("tls");
  w["ca_file"] = cert.cert.string();
  try {
    h.notify("notify.email", w, failed_event());
    FAIL() << "a certificate for another host was accepted";
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "notify.tls");
    EXPECT_THAT(e.what(), HasSubstr("localhost"));
  }
  EXPECT_TRUE(records(dir.path()).empty());
}

TEST_F(EmailTest, AProcessWideAcceptAllHandlerDoesNotDisableVerification) {
  // Another component of the process tells Poco to accept any certificate.
  Poco::Net::SSLManager::instance().initializeClient(
      nullptr, new Poco::Net::AcceptCertificateHandler(false),
      new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, Poco::Net::Context::Params()));
  start("tls");
  EXPECT_THROW(h.notify("notify.email", with("tls"), failed_event()), drkit::StepError);
  EXPECT_TRUE(records(dir.path()).empty());
}

TEST_F(EmailTest, WrongPasswordFailsOnceWithTheServersReply) {
  start("starttls", true);
  auto w = with("starttls");
  w["ca_file"] = cert.cert.string();
  w["username"] = "drkit";
  w["password"] = "Wrong-Passw0rd";
  try {
    h.notify("notify.email", w, failed_event());
    FAIL() << "a wrong password was accepted";
  } catch (const drkit::StepError& e) {
    EXPECT_THAT(e.what(), HasSubstr("535"));
    EXPECT_EQ(e.code(), "notify.smtp.535");
    EXPECT_FALSE(e.retryable());
    EXPECT_THAT(e.what(), Not(HasSubstr("Wrong-Passw0rd")));
  }
  EXPECT_EQ(read_file(dir.path() / "auth_failures.txt"), "PLAIN\n");  // not retried
  EXPECT_THAT(h.log_text(), Not(HasSubstr("Wrong-Passw0rd")));
  EXPECT_TRUE(records(dir.path()).empty());
}

TEST_F(EmailTest, WrongPasswordWithAuthLogin) {
  start("starttls", true);
  auto w = with("starttls");
  w["ca_file"] = cert.cert.string();
  w["auth"] = "login";
  w["username"] = "drkit";
  w["password"] = "Wrong-Passw0rd";
  try {
    h.notify("notify.email", w, failed_event());
    FAIL() << "a wrong password was accepted";
  } catch (const drkit::StepError& e) {
    EXPECT_THAT(e.what(), HasSubstr("AUTH LOGIN failed: 535"));
    EXPECT_FALSE(e.retryable());
  }
  EXPECT_EQ(read_file(dir.path() / "auth_failures.txt"), "LOGIN\n");
}

TEST_F(EmailTest, StartTlsThatTheServerDoesNotOfferFails) {
  start("none");
  auto w = with("starttls");
  try {
    h.notify("notify.email", w, failed_event());
    FAIL() << "sent without the TLS the manifest asked for";
  } catch (const drkit::StepError& e) {
    EXPECT_THAT(e.what(), HasSubstr("the server refused STARTTLS"));
    EXPECT_FALSE(e.retryable());
  }
  EXPECT_TRUE(records(dir.path()).empty());
}

TEST_F(EmailTest, TransientReplyIsRetried) {
  start("none", false, 1);
  h.notify("notify.email", with("none"), failed_event());
  EXPECT_EQ(received().at("rcpt_tos"), (json::array{"ops@contoso.com"}));
  EXPECT_THAT(h.log_text(), HasSubstr("attempt 1 of 3 failed"));
  EXPECT_THAT(h.log_text(), HasSubstr("451"));
}

TEST_F(EmailTest, TransientRepliesExhaustTheAttempts) {
  start("none", false, 5);
  auto w = with("none");
  w["attempts"] = 2;
  try {
    h.notify("notify.email", w, failed_event());
    FAIL() << "delivery succeeded against a server that refuses every message";
  } catch (const drkit::StepError& e) {
    EXPECT_THAT(e.what(), HasSubstr("451 4.3.0 Temporary failure"));
    EXPECT_THAT(e.what(), HasSubstr("gave up after 2 attempts"));
    EXPECT_TRUE(e.retryable());
  }
}

TEST_F(EmailTest, ConfigurationErrorsNameTheParameter) {
  start("none");
  auto w = with("none");
  w["username"] = "drkit";
  w["password"] = kPassword;
  try {
    h.notify("notify.email", w, failed_event());
    FAIL();
  } catch (const drkit::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unencrypted"));
  }
  w = with("none");
  w["subject"] = "{rn_id}";
  try {
    h.notify("notify.email", w, failed_event());
    FAIL();
  } catch (const drkit::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("subject: unknown placeholder {rn_id}"));
  }
  w = with("none");
  w["to"] = json::array{"ops at contoso"};
  try {
    h.notify("notify.email", w, failed_event());
    FAIL();
  } catch (const drkit::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("to[0]"));
  }
  EXPECT_TRUE(records(dir.path()).empty());
}

}  // namespace
