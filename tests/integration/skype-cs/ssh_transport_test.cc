// The ssh transport against a real OpenSSH server (Debian openssh-server) on a loopback port,
// with throwaway host and client keys, logging in as the current user. The remote command is
// the simulator, so the whole path (ssh client, sshd, remote shell, stdin) is real.
//
// Needs: /usr/sbin/sshd and ssh-keygen (openssh-server, openssh-client), and the privilege
// separation directory /run/sshd, which the fixture creates when it runs as root.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>

#include "cs_support.h"

extern char** environ;

namespace skype_cs_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

bool accepts(int port) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}

class SshTransportTest : public CsFixture {
 protected:
  void SetUp() override {
    CsFixture::SetUp();
    ASSERT_TRUE(fs::exists("/usr/sbin/sshd")) << "install openssh-server (scripts/deps.d/skype-cs.txt)";
    if (!fs::exists("/run/sshd")) {
      // sshd refuses to start without its privilege separation directory.
      ASSERT_EQ(::mkdir("/run/sshd", 0755), 0)
          << "/run/sshd is missing and cannot be created (not root?): " << std::strerror(errno);
    }
    for (const char* key : {"host_key", "client_key", "stranger_key"})
      ASSERT_EQ(run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir_.file(key)}).exit_code, 0);
    fs::copy_file(dir_.file("client_key.pub"), dir_.file("authorized_keys"));
    port_ = free_port();
    std::ofstream(dir_.file("sshd_config"))
        << "Port " << port_ << "\nListenAddress 127.0.0.1\nHostKey " << dir_.file("host_key")
        << "\nPidFile " << dir_.file("sshd.pid") << "\nAuthorizedKeysFile " << dir_.file("authorized_keys")
        << "\nStrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
           "PubkeyAuthentication yes\nPermitRootLogin prohibit-password\nUsePAM no\n";
    std::ofstream(dir_.file("known_hosts")) << "[127.0.0.1]:" << port_ << " " << read_text(dir_.file("host_key.pub"));
    std::vector<std::string> argv{"/usr/sbin/sshd", "-D", "-e", "-f", dir_.file("sshd_config")};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    std::string log = dir_.file("sshd.log");
    posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_EQ(::posix_spawn(&sshd_, args[0], &fa, nullptr, args.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!accepts(port_) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(accepts(port_)) << "sshd did not listen: " << read_text(log);
    user_ = ::getpwuid(::geteuid())->pw_name;
    h_.add_resource("remote", "skype-cs.shell", ssh_shell("client_key"));
  }

  void TearDown() override {
    if (sshd_ > 0) {
      ::kill(sshd_, SIGTERM);
      ::waitpid(sshd_, nullptr, 0);
    }
  }

  boost::json::object ssh_shell(const std::string& key) const {
    return {{"transport", "ssh"},
            {"ssh_target", user_ + "@127.0.0.1"},
            {"ssh_port", port_},
            {"ssh_identity_file", dir_.file(key)},
            // curve25519 rather than the default sntrup761 hybrid: less CPU on a loaded CI machine.
            {"ssh_options", boost::json::array{"StrictHostKeyChecking=yes", "UserKnownHostsFile=" + dir_.file("known_hosts"),
                                               "KexAlgorithms=curve25519-sha256"}},
            {"remote_command", std::string(CS_SHELL_SIM) + " --state " + state_ + " -NoProfile -NonInteractive -Command -"},
            {"timeout", "60s"}};
  }

  pid_t sshd_ = -1;
  int port_ = 0;
  std::string user_;
};

TEST_F(SshTransportTest, StepsAndProbesRunOverSsh) {
  auto out = h_.run("skype-cs.set_pool_state", {{"shell", "remote"}, {"pool_fqdn", "pchat.contoso.com"}, {"state", "FailedOver"}});
  EXPECT_TRUE(out.at("changed").as_bool());
  EXPECT_EQ(pool_state(), "FailedOver");
  auto probe = h_.check("skype-cs.pool_state", {{"shell", "remote"}, {"pool_fqdn", "pchat.contoso.com"}, {"state", "FailedOver"}});
  EXPECT_TRUE(probe.ok) << probe.message;
  auto again = h_.run("skype-cs.set_pool_state", {{"shell", "remote"}, {"pool_fqdn", "pchat.contoso.com"}, {"state", "FailedOver"}});
  EXPECT_FALSE(again.at("changed").as_bool());
}

TEST_F(SshTransportTest, AFailingCmdletOverSshFailsWithItsMessage) {
  auto e = expect_step_error([&] {
    h_.run("skype-cs.set_active_servers",
           {{"shell", "remote"}, {"pool_fqdn", "pchat.contoso.com"}, {"servers", boost::json::array{"pc9.contoso.com"}}});
  });
  EXPECT_EQ(e.code(), "cs.cmdlet_failed");
  EXPECT_THAT(e.what(), HasSubstr("is not a Persistent Chat server of pool"));
}

TEST_F(SshTransportTest, AnUnauthorizedKeyIsARetryableSshError) {
  h_.add_resource("stranger", "skype-cs.shell", ssh_shell("stranger_key"));
  auto e = expect_step_error([&] { h_.check("skype-cs.pool_state", {{"shell", "stranger"}, {"pool_fqdn", "pchat.contoso.com"}}); });
  EXPECT_EQ(e.code(), "cs.ssh");
  EXPECT_TRUE(e.retryable());
  EXPECT_THAT(e.what(), HasSubstr("Permission denied"));
}

TEST_F(SshTransportTest, TheScriptIsNotOnTheSshCommandLine) {
  std::string wrapper = dir_.file("ssh-recording");
  std::ofstream(wrapper) << "#!/bin/sh\ntr '\\0' ' ' < /proc/$$/cmdline > " << dir_.file("ssh-cmdline")
                         << "\nexec ssh \"$@\"\n";
  fs::permissions(wrapper, fs::perms::owner_all);
  auto shell = ssh_shell("client_key");
  shell["ssh_program"] = wrapper;
  h_.add_resource("recorded", "skype-cs.shell", shell);
  h_.run("skype-cs.set_pool_state", {{"shell", "recorded"}, {"pool_fqdn", "pchat.contoso.com"}, {"state", "FailedOver"}});
  EXPECT_EQ(pool_state(), "FailedOver");
  std::string argv = read_text(dir_.file("ssh-cmdline"));
  EXPECT_THAT(argv, HasSubstr("-o BatchMode=yes -p " + std::to_string(port_)));
  EXPECT_THAT(argv, HasSubstr("-- " + user_ + "@127.0.0.1 " + std::string(CS_SHELL_SIM)));
  EXPECT_THAT(argv, Not(HasSubstr("PersistentChatState")));
  EXPECT_THAT(argv, Not(HasSubstr("FailedOver")));
}

}  // namespace
}  // namespace skype_cs_test
