#include "sim_support.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "interpreter.hpp"

extern char** environ;

namespace cssim_test {

namespace fs = std::filesystem;

Result run_in_process(cssim::Topology& topology, const std::string& script) {
  std::ostringstream out, err;
  cssim::Interpreter interp(topology, out, err);
  Result r;
  r.exit_code = interp.run_script(script);
  r.out = out.str();
  r.err = err.str();
  return r;
}

cssim::Topology test_topology() {
  cssim::Topology t;
  cssim::Pool p;
  p.fqdn = "pchat.contoso.com";
  p.site = "Primary";
  p.computers = {{"pc1.contoso.com", "Primary"}, {"pc2.contoso.com", "Primary"}, {"pc3.contoso.com", "Backup"}};
  p.state_identity = cssim::default_state_identity(p.fqdn);
  p.state_identity_aliases = {"PersistentChatServer:pchat.contoso.com"};
  p.service_identity = cssim::default_service_identity(p.fqdn);
  p.active_servers = {"pc1.contoso.com", "pc2.contoso.com"};
  p.primary_store = cssim::SqlStore{"sql1.contoso.com", "", "sql1m.contoso.com", ""};
  p.backup_store = cssim::SqlStore{"sql2.contoso.com", "", "sql2m.contoso.com", ""};
  t.pools.push_back(p);
  return t;
}

Result run_executable(const std::vector<std::string>& args, const std::string& input) {
  TempDir io;
  std::string in = io.file("in"), out = io.file("out"), err = io.file("err");
  std::ofstream(in, std::ios::binary) << input;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> argv{CS_SHELL_SIM};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargs;
  for (auto& a : argv) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, cargs[0], &fa, nullptr, cargs.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error(std::string("cannot start cs-shell-sim: ") + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  auto slurp = [](const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  };
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

}  // namespace cssim_test
