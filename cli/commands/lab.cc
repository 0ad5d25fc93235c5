// `drkit lab`: a simulated Persistent Chat estate on loopback for demos, drills and tests.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include <Poco/Pipe.h>
#include <Poco/Process.h>
#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include "command.h"
#include "drkit/errors.hpp"
#include "drkit/process.hpp"
#include "exit_code.h"
#include "lab/lab_layout.h"
#include "lab/lab_process.h"
#include "lab/lab_setup.h"

namespace drkit::cli {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

struct LabFlags {
  std::string dir = LabLayout::default_dir().string();
  int base_port = 14331;
  std::string site;
};

void write_password(const LabLayout& lab) {
  if (fs::exists(lab.password_file)) return;
  std::random_device rd;
  const char* chars = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  std::string pw = "Lab-";
  for (int i = 0; i < 20; ++i) pw += chars[rd() % 56];
  int fd = ::open(lab.password_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + lab.password_file.string());
  std::string line = pw + "\n";
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    ::close(fd);
    throw std::runtime_error("cannot write " + lab.password_file.string());
  }
  ::close(fd);
}

void init_shell_topology(const LabLayout& lab) {
  if (fs::exists(lab.cs_state)) return;
  // An argv, never a shell line: the lab folder is the operator's and may hold any character.
  Poco::Process::Args args = {"--init-state", lab.cs_state.string(),
                                   "--pool", "pchat.contoso.com", "--site", "Primary",
                                   "--server", "Primary:pc1.contoso.com", "--server", "Primary:pc2.contoso.com",
                                   "--server", "Backup:pc3.contoso.com", "--server", "Backup:pc4.contoso.com",
                                   "--active", "pc1.contoso.com,pc2.contoso.com",
                                   "--primary-sql", "sql1.contoso.com", "--primary-mirror", "sql1m.contoso.com",
                                   "--backup-sql", "sql2.contoso.com", "--backup-mirror", "sql2m.contoso.com",
                                   "--compliance"};
  auto program = (tools_dir() / "cs-shell-sim").string();
  Poco::Pipe out;  // its confirmation line is not the operator's business
  int rc = Poco::Process::launch(program, args, nullptr, &out, &out).wait();
  if (rc != 0)
    throw std::runtime_error(fmt::format("cannot write the Management Shell topology: {} exited with {}", program, rc));
}

int up(const GlobalOptions& o, const LabLayout& lab) {
  for (const auto& d : {lab.dir, lab.share, lab.copy, lab.dir / "seed"}) fs::create_directories(d);
  fs::permissions(lab.dir, fs::perms::owner_all, fs::perm_options::replace);
  write_password(lab);
  for (const auto& i : lab.instances) {
    pid_t pid = start_instance(lab, i, i.key == "primary");
    fmt::print("  {:<15} {:<13} 127.0.0.1:{:<6} endpoint {:<6} pid {}\n", i.key, i.site, i.port, i.endpoint, pid);
  }
  init_shell_topology(lab);
  auto marker = lab.dir / "setup.done";
  if (!fs::exists(marker)) {
    fmt::print("building the estate: mgc and mgccomp on the primary, mirrored, log shipped to the backup site\n");
    run_lab_setup(o, lab, "primary-site");
    run_lab_setup(o, lab, "backup-site");
    std::ofstream(marker) << "ok\n";
  }
  fmt::print("lab is up in {} (log backups every 10 s: share {}, copy {})\n", lab.dir.string(), lab.share.string(),
             lab.copy.string());
  fmt::print("next: drkit lab status; drkit lab fail primary-site; drkit run failover --env lab -m examples/persistent-chat/drkit.json\n");
  return kOk;
}

std::map<std::string, std::string> key_values(const std::string& line) {
  std::map<std::string, std::string> out;
  std::istringstream in(line);
  std::string word;
  in >> out["name"];
  while (in >> word) {
    auto eq = word.find('=');
    if (eq != std::string::npos) out[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return out;
}

std::size_t count_files(const fs::path& dir, std::string_view suffix) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().string().ends_with(suffix)) ++n;
  return n;
}

int status(const GlobalOptions& o, const LabLayout& lab) {
  json::object out;
  json::array rows;
  fmt::print("{:<15} {:<13} {:<8} {:<9} {:<13} {:>26} {:>26}  {}\n", "INSTANCE", "SITE", "PORT", "STATUS", "DATABASE",
             "LAST LSN", "REDO START LSN", "MIRRORING");
  for (const auto& i : lab.instances) {
    bool running = running_pid(lab, i) != 0;
    std::vector<std::map<std::string, std::string>> dbs;
    if (running) {
      try {
        for (const auto& line : [&] {
               std::vector<std::string> v;
               std::istringstream in(control(i, "lsn"));
               for (std::string l; std::getline(in, l);)
                 if (!l.empty()) v.push_back(l);
               return v;
             }())
        {
          auto kv = key_values(line);
          // System databases say nothing about the drill.
          if (kv["name"] == "master" || kv["name"] == "tempdb" || kv["name"] == "model" || kv["name"] == "msdb") continue;
          dbs.push_back(std::move(kv));
        }
      } catch (const std::exception&) {
        running = false;  // killed between the pid check and the query
      }
    }
    if (dbs.empty()) {
      fmt::print("{:<15} {:<13} {:<8} {:<9} {}\n", i.key, i.site, i.port, running ? "running" : "DOWN",
                 running ? "(no user databases)" : "");
      rows.push_back({{"instance", i.key}, {"site", i.site}, {"running", running}});
      continue;
    }
    for (const auto& db : dbs) {
      auto get = [&](const char* k) {
        auto it = db.find(k);
        return it == db.end() || it->second.empty() ? std::string("-") : it->second;
      };
      fmt::print("{:<15} {:<13} {:<8} {:<9} {:<13} {:>26} {:>26}  {}\n", i.key, i.site, i.port, "running",
                 get("name") + " " + get("state"), get("last_lsn"), get("redo_start_lsn"), get("mirroring"));
      rows.push_back({{"instance", i.key}, {"site", i.site}, {"running", true}, {"database", get("name")},
                      {"state", get("state")}, {"last_lsn", get("last_lsn")}, {"redo_start_lsn", get("redo_start_lsn")},
                      {"mirroring", get("mirroring")}});
    }
  }
  std::size_t in_share = count_files(lab.share, ".trn"), in_copy = count_files(lab.copy, ".trn");
  fmt::print("\nlog backups: {} in the share, {} in the copy folder, {} not copied yet\n", in_share, in_copy,
             in_share > in_copy ? in_share - in_copy : 0);
  std::ifstream cs(lab.cs_state);
  std::ostringstream text;
  text << cs.rdbuf();
  json::error_code ec;
  auto topo = json::parse(text.str(), ec);
  if (!ec && topo.is_object()) {
    for (const auto& pool : topo.at("pools").as_array()) {
      const auto& p = pool.as_object();
      std::string active;
      for (const auto& a : p.at("active_servers").as_array()) active += (active.empty() ? "" : ", ") + std::string(a.as_string());
      fmt::print("pool {}: PoolState {}, active servers: {}\n", std::string(p.at("fqdn").as_string()),
                 std::string(p.at("pool_state").as_string()), active.empty() ? "(none)" : active);
    }
  }
  (void)o;
  return kOk;
}

int fail(const LabLayout& lab, const std::string& site) {
  for (const auto* i : lab.site(site)) {
    stop_instance(lab, *i, true);
    fmt::print("  {} is down (killed, like a power loss)\n", i->key);
  }
  return kOk;
}

int rebuild(const LabLayout& lab, const std::string& site) {
  for (const auto* i : lab.site(site)) {
    stop_instance(lab, *i, true);
    fs::remove_all(i->data);
    // Topology Builder creates empty Persistent Chat databases on the store, not on its mirror.
    pid_t pid = start_instance(lab, *i, i->key == "primary");
    fmt::print("  {} rebuilt empty (pid {})\n", i->key, pid);
  }
  return kOk;
}

int down(const LabLayout& lab) {
  for (const auto& i : lab.instances) stop_instance(lab, i, false);
  fmt::print("lab stopped; its files stay in {} (remove the folder to start afresh)\n", lab.dir.string());
  return kOk;
}

}  // namespace

std::function<int()> setup_lab(CLI::App& app, GlobalOptions& o) {
  auto flags = std::make_shared<LabFlags>();
  app.add_option("--lab-dir", flags->dir, "Lab folder (default: $DRKIT_LAB_DIR or /tmp/drkit-lab)");
  app.add_option("--base-port", flags->base_port, "First TDS port; the four instances use 4 ports from it, their endpoints +10 (default 14331)");
  auto* up_cmd = app.add_subcommand("up", "Start the four SQL Server simulators and build the estate (idempotent)");
  auto* status_cmd = app.add_subcommand("status", "Instances, databases, states, LSNs, pending logs, pool state, active servers");
  auto* fail_cmd = app.add_subcommand("fail", "Simulate an outage of a site (its instances are killed)");
  auto* rebuild_cmd = app.add_subcommand("rebuild", "Bring a site's instances back empty, as Topology Builder would");
  auto* down_cmd = app.add_subcommand("down", "Stop every simulator (files are kept)");
  for (auto* s : {fail_cmd, rebuild_cmd}) s->add_option("SITE", flags->site, "primary-site or backup-site")->required();
  for (auto* s : {up_cmd, status_cmd, fail_cmd, rebuild_cmd, down_cmd}) s->fallthrough();
  app.require_subcommand(1);
  return [&o, flags, up_cmd, status_cmd, fail_cmd, rebuild_cmd]() -> int {
    auto lab = LabLayout::make(flags->dir, flags->base_port);
    if (up_cmd->parsed()) return up(o, lab);
    if (status_cmd->parsed()) return status(o, lab);
    if (fail_cmd->parsed()) return fail(lab, flags->site);
    if (rebuild_cmd->parsed()) return rebuild(lab, flags->site);
    return down(lab);
  };
}

}  // namespace drkit::cli
