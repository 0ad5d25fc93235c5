#include "sim_process.hpp"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace simtest {

// MSSQL_SIM_BINARY runs the tests against another build of the simulator (e.g. a sanitizer build).
std::filesystem::path simBinary() {
    if (const char* env = std::getenv("MSSQL_SIM_BINARY"); env && *env) return env;
    return std::filesystem::path(DRKIT_BUILD_DIR) / "bin" / "mssql-sim";
}

SimProcess::SimProcess(std::filesystem::path dataDir, std::string name, std::string password, std::vector<std::string> extraArgs)
    : dataDir_(std::move(dataDir)), name_(std::move(name)), password_(std::move(password)), extraArgs_(std::move(extraArgs)) {
    start();
}

SimProcess::~SimProcess() {
    try {
        stop();
    } catch (...) {
    }
}

void SimProcess::start() {
    std::filesystem::create_directories(dataDir_);
    auto pwFile = dataDir_ / "sa-password";
    {
        std::ofstream pw(pwFile);
        pw << password_ << "\n";
    }
    std::vector<std::string> args = {simBinary().string(), "--data", (dataDir_ / "data").string(), "--port",
                                     std::to_string(port_), "--name", name_, "--password-file", pwFile.string(),
                                     "--endpoint-port", std::to_string(endpoint_)};
    args.insert(args.end(), extraArgs_.begin(), extraArgs_.end());
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    std::string errPath = (dataDir_ / "stderr.txt").string();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(out[1], 1);
        int err = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (err >= 0) dup2(err, 2);
        ::close(out[0]);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    ::close(out[1]);
    pid_ = pid;
    // Wait for the readiness line (generous: the machine may be loaded).
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (line.find('\n') == std::string::npos) {
        pollfd p{out[0], POLLIN, 0};
        if (std::chrono::steady_clock::now() > deadline || ::poll(&p, 1, 500) < 0) break;
        if (p.revents & (POLLIN | POLLHUP)) {
            char buf[512];
            ssize_t n = ::read(out[0], buf, sizeof buf);
            if (n <= 0) break;
            line.append(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(out[0]);
    std::smatch m;
    if (!std::regex_search(line, m, std::regex("ready name=\\S+ port=(\\d+) endpoint=(\\d+)"))) {
        stop();
        throw std::runtime_error("mssql-sim did not become ready: '" + line + "' stderr: " + stderrText());
    }
    port_ = std::stoi(m[1]);
    endpoint_ = std::stoi(m[2]);
}

void SimProcess::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
        pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_) break;
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
            status = -1;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    lastExit_ = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    pid_ = -1;
}

std::string SimProcess::connectionString(const std::string& tdsVersion, const std::string& extra) const {
    return "Driver=FreeTDS;Server=127.0.0.1;Port=" + std::to_string(port_) + ";UID=sa;PWD=" + password_ +
           ";TDS_Version=" + tdsVersion + ";Encryption=off" + (extra.empty() ? "" : ";" + extra);
}

std::string SimProcess::address() const { return "TCP://127.0.0.1:" + std::to_string(endpoint_); }

std::vector<std::string> SimProcess::control(const std::string& command) const {
    Poco::Net::StreamSocket s;
    s.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(endpoint_)), Poco::Timespan(10, 0));
    s.setReceiveTimeout(Poco::Timespan(30, 0));
    Poco::Net::SocketStream io(s);
    io << command << "\n" << std::flush;
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(io, line)) {
        if (line == "OK") return lines;
        if (line.rfind("ERR ", 0) == 0) throw std::runtime_error("control: " + line.substr(4));
        lines.push_back(line);
    }
    throw std::runtime_error("control: connection closed");
}

std::string SimProcess::stderrText() const {
    std::ifstream in(dataDir_ / "stderr.txt");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace simtest
