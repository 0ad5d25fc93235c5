#include "lab_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>
#include <fmt/format.h>

#include "drkit/process.hpp"

namespace drkit::cli {

namespace fs = std::filesystem;

fs::path tools_dir() {
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : exe.parent_path();
}

namespace {

fs::path pid_file(const LabLayout& lab, const LabInstance& inst) { return lab.dir / (inst.key + ".pid"); }
fs::path out_file(const LabLayout& lab, const LabInstance& inst) { return lab.dir / (inst.key + ".out"); }

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool alive(pid_t pid) { return pid > 0 && ::kill(pid, 0) == 0; }

}  // namespace

pid_t running_pid(const LabLayout& lab, const LabInstance& inst) {
  std::ifstream in(pid_file(lab, inst));
  pid_t pid = 0;
  if (!(in >> pid) || !alive(pid)) return 0;
  // A recycled pid must be a simulator with this data folder.
  std::string cmdline = read_text(fs::path("/proc") / std::to_string(pid) / "cmdline");
  return cmdline.find(inst.data.string()) != std::string::npos ? pid : 0;
}

pid_t start_instance(const LabLayout& lab, const LabInstance& inst, bool create_databases) {
  if (pid_t pid = running_pid(lab, inst)) return pid;
  fs::create_directories(inst.data);
  auto sim = tools_dir() / "mssql-sim";
  std::vector<std::string> args = {sim.string(), "--data", inst.data.string(), "--port", std::to_string(inst.port),
                                   "--endpoint-port", std::to_string(inst.endpoint), "--name", inst.name,
                                   "--password-file", lab.password_file.string()};
  if (create_databases) args.insert(args.end(), {"--database", "mgc", "--database", "mgccomp"});
  auto out = out_file(lab, inst);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::setsid();  // outlives `drkit lab up`, and Ctrl-C in the terminal does not reach it
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ::dup2(null, 0);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  std::ofstream(pid_file(lab, inst)) << pid << "\n";
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    if (read_text(out).find("mssql-sim ready") != std::string::npos) return pid;
    if (!alive(pid) || ::waitpid(pid, nullptr, WNOHANG) == pid) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  throw std::runtime_error(fmt::format("{} ({}) did not start on port {}: {}", inst.key, sim.string(), inst.port,
                                       tail_lines(read_text(out), 5)));
}

void stop_instance(const LabLayout& lab, const LabInstance& inst, bool kill_hard) {
  pid_t pid = running_pid(lab, inst);
  if (pid) {
    ::kill(pid, kill_hard ? SIGKILL : SIGTERM);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (alive(pid) && std::chrono::steady_clock::now() < until) {
      ::waitpid(pid, nullptr, WNOHANG);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (alive(pid)) ::kill(pid, SIGKILL);
  }
  std::error_code ec;
  fs::remove(pid_file(lab, inst), ec);
}

std::string control(const LabInstance& inst, const std::string& command, std::chrono::milliseconds timeout) {
  Poco::Net::StreamSocket s;
  s.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(inst.endpoint)),
            Poco::Timespan(timeout.count() * 1000));
  s.setReceiveTimeout(Poco::Timespan(timeout.count() * 1000));
  std::string line = command + "\n";
  s.sendBytes(line.data(), static_cast<int>(line.size()));
  std::string reply;
  char buf[4096];
  while (true) {
    int n = s.receiveBytes(buf, sizeof buf);
    if (n <= 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
    if (reply.ends_with("OK\n") || reply.find("\nERR ") != std::string::npos || reply.starts_with("ERR ")) break;
  }
  if (reply.starts_with("ERR ") || reply.find("\nERR ") != std::string::npos)
    throw std::runtime_error(fmt::format("{}: {}", inst.key, reply));
  if (reply.ends_with("OK\n")) reply.resize(reply.size() - 3);
  return reply;
}

}  // namespace drkit::cli
