#include "cs_support.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace skype_cs_test {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Output run(const std::vector<std::string>& argv, const std::string& input) {
  // Files, not pipes: nothing can deadlock and the output is complete when it exits.
  TempDir io;
  std::string in = io.file("in"), out = io.file("out"), err = io.file("err");
  std::ofstream(in, std::ios::binary) << input;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  Output o;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.out = read_text(out);
  o.err = read_text(err);
  return o;
}

Output sim(const std::string& state, const std::string& script) {
  return run({CS_SHELL_SIM, "--state", state, "-NoProfile", "-NonInteractive", "-Command", "-"}, script);
}

void seed_state(const std::string& state, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {CS_SHELL_SIM,        "--init-state",
                                   state,               "--force",
                                   "--pool",            "pchat.contoso.com",
                                   "--server",          "Primary:pc1.contoso.com",
                                   "--server",          "Primary:pc2.contoso.com",
                                   "--server",          "Backup:pc3.contoso.com",
                                   "--server",          "Backup:pc4.contoso.com",
                                   "--active",          "pc1.contoso.com,pc2.contoso.com",
                                   "--primary-sql",     "sql1.contoso.com",
                                   "--primary-mirror",  "sql1m.contoso.com",
                                   "--backup-sql",      "sql2.contoso.com",
                                   "--backup-mirror",   "sql2m.contoso.com"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  Output o = run(argv);
  if (o.exit_code != 0) throw std::runtime_error("seeding the simulator failed: " + o.err);
}

void CsFixture::SetUp() {
  state_ = dir_.file("cs-state.json");
  seed_state(state_);
  h_.add_resource("cs", "skype-cs.shell", local_shell());
}

boost::json::object CsFixture::local_shell() const {
  return {{"transport", "local"},
          {"program", CS_SHELL_SIM},
          {"args", boost::json::array{"--state", state_, "-NoProfile", "-NonInteractive", "-Command", "-"}},
          {"timeout", "60s"}};
}

boost::json::object CsFixture::state() const {
  last_state_ = boost::json::parse(read_text(state_)).as_object();
  return last_state_;
}

const boost::json::object& CsFixture::pool() const { return last_state_.at("pools").as_array()[0].as_object(); }

std::vector<std::string> CsFixture::history() const { return strings_of(state().at("history")); }

std::string CsFixture::pool_state() const {
  state();
  return std::string(pool().at("pool_state").as_string());
}

std::vector<std::string> CsFixture::active_servers() const {
  state();
  return strings_of(pool().at("active_servers"));
}

std::vector<std::string> strings_of(const boost::json::value& v) {
  std::vector<std::string> out;
  for (const auto& s : v.as_array()) out.emplace_back(s.as_string());
  return out;
}

}  // namespace skype_cs_test
