// cs-shell-sim: invoked exactly like the Management Shell host
//   cs-shell-sim [--state FILE] -NoProfile -NonInteractive -Command -    (script on stdin)
// plus the lab's own verbs:
//   cs-shell-sim --init-state FILE --pool FQDN --server SITE:FQDN ... [options]
//   cs-shell-sim --state FILE --status
// The state file comes from --state or CS_SHELL_SIM_STATE.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "interpreter.hpp"
#include "state_file.hpp"
#include "topology.hpp"
#include "value.hpp"

namespace {

constexpr int kUsageError = 64;  // what pwsh returns for bad command-line arguments

const char* kUsage = R"(usage:
  cs-shell-sim [--state FILE] -NoProfile -NonInteractive -Command -
      runs the PowerShell script read from stdin against the state file
  cs-shell-sim --init-state FILE [--force] --pool FQDN [pool options] [--pool FQDN ...]
      writes a new state file; pool options apply to the last --pool:
        --site NAME                 the pool's site (default: the first server's site)
        --server SITE:FQDN          a Persistent Chat server (repeat)
        --active FQDN[,FQDN...]     initially active servers (default: none)
        --primary-sql FQDN[\INST]   primary SQL store   --primary-mirror FQDN[\INST]
        --backup-sql FQDN[\INST]    backup SQL store    --backup-mirror FQDN[\INST]
        --compliance                the pool has a compliance database (mgccomp)
        --state-identity TEXT       identity Get-CsPersistentChatState returns; only this
                                    literal is then accepted by -Identity
        --service-identity TEXT     identity Get-CsService -PersistentChatServer returns
  cs-shell-sim --state FILE --status
      prints the state as JSON
The state file is --state FILE or $CS_SHELL_SIM_STATE.
)";

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "cs-shell-sim: " << message << "\n" << kUsage;
  std::exit(kUsageError);
}

std::pair<std::string, std::string> split_instance(const std::string& text) {
  auto slash = text.find('\\');
  if (slash == std::string::npos) return {text, {}};
  return {text.substr(0, slash), text.substr(slash + 1)};
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

int init_state(const std::vector<std::string>& args) {
  std::string path;
  bool force = false;
  cssim::Topology t;
  auto pool = [&]() -> cssim::Pool& {
    if (t.pools.empty()) usage_error("pool options must follow --pool FQDN");
    return t.pools.back();
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) usage_error(a + " needs a value");
      return args[++i];
    };
    if (a == "--init-state") {
      path = value();
    } else if (a == "--force") {
      force = true;
    } else if (a == "--pool") {
      cssim::Pool p;
      p.fqdn = value();
      p.state_identity = cssim::default_state_identity(p.fqdn);
      p.state_identity_aliases = {"PersistentChatServer:" + p.fqdn, "service:" + p.fqdn};
      p.service_identity = cssim::default_service_identity(p.fqdn);
      p.service_identity_aliases = {"service:PersistentChatServer:" + p.fqdn};
      t.pools.push_back(std::move(p));
    } else if (a == "--site") {
      pool().site = value();
    } else if (a == "--server") {
      std::string v = value();
      auto colon = v.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == v.size())
        usage_error("--server takes SITE:FQDN, got '" + v + "'");
      pool().computers.push_back({v.substr(colon + 1), v.substr(0, colon)});
    } else if (a == "--active") {
      pool().active_servers = split_commas(value());
    } else if (a == "--primary-sql" || a == "--backup-sql") {
      auto [fqdn, inst] = split_instance(value());
      auto& store = a == "--primary-sql" ? pool().primary_store : pool().backup_store;
      if (!store) store = cssim::SqlStore{};
      store->fqdn = fqdn;
      store->instance = inst;
    } else if (a == "--primary-mirror" || a == "--backup-mirror") {
      auto [fqdn, inst] = split_instance(value());
      auto& store = a == "--primary-mirror" ? pool().primary_store : pool().backup_store;
      if (!store) usage_error(a + " must follow the matching --primary-sql/--backup-sql");
      store->mirror_fqdn = fqdn;
      store->mirror_instance = inst;
    } else if (a == "--compliance") {
      pool().compliance = true;
    } else if (a == "--state-identity") {
      pool().state_identity = value();
      pool().state_identity_aliases.clear();
    } else if (a == "--service-identity") {
      pool().service_identity = value();
      pool().service_identity_aliases.clear();
    } else {
      usage_error("unknown option '" + a + "'");
    }
  }
  if (t.pools.empty()) usage_error("--init-state needs at least one --pool");
  for (auto& p : t.pools) {
    if (p.site.empty() && !p.computers.empty()) p.site = p.computers.front().site;
    for (const auto& s : p.active_servers)
      if (!p.is_member(s)) usage_error("--active " + s + " is not a --server of pool " + p.fqdn);
  }
  if (!force && std::filesystem::exists(path))
    usage_error(path + " exists (pass --force to overwrite)");
  cssim::StateFile(path).save(t);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const auto& a : args)
    if (a == "--init-state") {
      try {
        return init_state(args);
      } catch (const std::exception& e) {
        std::cerr << "cs-shell-sim: " << e.what() << "\n";
        return 1;
      }
    }

  std::string state_path;
  if (const char* env = std::getenv("CS_SHELL_SIM_STATE")) state_path = env;
  bool status = false;
  bool have_command = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = cssim::to_lower(args[i]);
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) usage_error(args[i] + " needs a value");
      return args[++i];
    };
    if (a == "--state") {
      state_path = value();
    } else if (a == "--status") {
      status = true;
    } else if (a == "-noprofile" || a == "-nop" || a == "-noninteractive" || a == "-noni" ||
               a == "-nologo") {
      // Accepted: the simulator never reads a profile and never prompts.
    } else if (a == "-executionpolicy" || a == "-ep" || a == "-inputformat" ||
               a == "-outputformat") {
      value();
    } else if (a == "-command" || a == "-c") {
      if (value() != "-")
        usage_error("only '-Command -' (the script on stdin) is supported");
      have_command = true;
    } else if (a == "--help" || a == "-help" || a == "-?") {
      std::cout << kUsage;
      return 0;
    } else {
      usage_error("unsupported argument '" + args[i] + "'");
    }
  }
  if (state_path.empty()) usage_error("no state file: pass --state FILE or set CS_SHELL_SIM_STATE");
  try {
    cssim::StateFile file(state_path);
    cssim::Topology topology = file.load();
    if (status) {
      std::cout << boost::json::serialize(topology.to_json()) << "\n";
      return 0;
    }
    if (!have_command) usage_error("missing '-Command -'");
    std::string script((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (script.rfind("\xEF\xBB\xBF", 0) == 0) script.erase(0, 3);
    cssim::Interpreter interp(topology, std::cout, std::cerr);
    int code = interp.run_script(script);
    if (interp.changed()) file.save(topology);
    std::cout.flush();
    return code;
  } catch (const std::exception& e) {
    std::cerr << "cs-shell-sim: " << e.what() << "\n";
    return 1;
  }
}
