#include "sim_fixture.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <stdexcept>
#include <thread>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>
#include <boost/json.hpp>

namespace sqlserver_test {

SimProcess::SimProcess(const std::filesystem::path& root, std::string name, std::vector<std::string> databases,
                       std::vector<std::string> extra_args)
    : name_(std::move(name)) {
  std::string binary = std::string(DRKIT_BUILD_DIR) + "/bin/mssql-sim";
  std::vector<std::string> args = {binary, "--data", (root / name_).string(), "--port", "0", "--name", name_,
                                   "--write-rate", "0", "--job-min-ms", "50", "--log-level", "warn"};
  for (const auto& d : databases) {
    args.push_back("--database");
    args.push_back(d);
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    setenv("MSSQL_SA_PASSWORD", kPassword, 1);  // the environment, never argv
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  // Read the readiness line (generous: a loaded 2-core machine).
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  static const std::regex ready(R"(mssql-sim ready name=\S+ port=(\d+) endpoint=(\d+))");
  std::smatch m;
  while (!std::regex_search(text, m, ready)) {
    char buf[512];
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n > 0) {
      text.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0 || std::chrono::steady_clock::now() > deadline) {
      close(out[0]);
      stop();
      throw std::runtime_error("mssql-sim did not become ready: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  port_ = std::stoi(m[1]);
  endpoint_port_ = std::stoi(m[2]);
  // Keep draining stdout so the simulator never blocks on a full pipe.
  int fd = out[0];
  std::thread([fd] {
    fcntl(fd, F_SETFL, 0);
    char buf[512];
    while (read(fd, buf, sizeof buf) > 0) {
    }
    close(fd);
  }).detach();
}

SimProcess::~SimProcess() { stop(); }

void SimProcess::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 500; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string SimProcess::connection() const {
  return "Driver=/usr/lib/x86_64-linux-gnu/odbc/libtdsodbc.so;Server=127.0.0.1;Port=" + std::to_string(port_) +
         ";TDS_Version=7.4;Encryption=off";
}

boost::json::object SimProcess::resource(boost::json::object extra) const {
  boost::json::object o{{"connection", connection()}, {"user", "sa"}, {"password", kPassword}};
  for (auto& [k, v] : extra) o[k] = v;
  return o;
}

std::vector<std::string> SimProcess::control(const std::string& command) const {
  Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(endpoint_port_)));
  Poco::Net::SocketStream io(s);
  io << command << "\n" << std::flush;
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(io, line)) {
    if (line == "OK") return lines;
    if (line.rfind("ERR", 0) == 0) throw std::runtime_error("control '" + command + "': " + line);
    lines.push_back(line);
  }
  throw std::runtime_error("control '" + command + "': connection closed");
}

std::vector<std::filesystem::path> plugin_dirs() { return {DRKIT_PLUGIN_DIR}; }

boost::json::array sql(drkit::testing::Harness& h, const std::string& instance, const std::string& text) {
  auto out = h.run("sqlserver.execute", {{"instance", instance}, {"sql", text}}, "sql");
  return out.at("rows").as_array();
}

}  // namespace sqlserver_test
