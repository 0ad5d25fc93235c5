#include "test_support.hpp"

#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <boost/json/parse.hpp>

namespace notify_test {

Certificate make_certificate(const fs::path& dir, const std::string& name, const std::string& host) {
  Certificate c{dir / (name + ".crt"), dir / (name + ".key")};
  std::vector<std::string> args = {
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
      "-keyout", c.key.string(), "-out", c.cert.string(), "-subj", "/CN=" + host,
      "-addext", "subjectAltName=DNS:" + host + (host == "localhost" ? ",IP:127.0.0.1" : "")};
  Poco::Pipe out;
  auto h = Poco::Process::launch("/usr/bin/openssl", args, nullptr, &out, &out);
  Poco::PipeInputStream in(out);
  std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (h.wait() != 0) throw std::runtime_error("openssl req failed: " + log);
  return c;
}

ServerProcess::ServerProcess(const std::string& script, std::vector<std::string> args,
                             std::map<std::string, std::string> env)
    : handle_([&] {
        args.insert(args.begin(), std::string(DRKIT_SOURCE_DIR) + "/tests/integration/notify/" + script);
        Poco::Process::Env penv(env.begin(), env.end());
        Poco::Pipe out;
        auto h = Poco::Process::launch("/usr/bin/python3", args, ".", nullptr, &out, nullptr, penv);
        Poco::PipeInputStream in(out);
        std::string line;
        // The script prints the port only after it listens; EOF means it died (its stderr
        // is the test's stderr).
        while (std::getline(in, line)) {
          if (line.rfind("PORT ", 0) == 0) {
            port_ = std::stoi(line.substr(5));
            break;
          }
        }
        return h;
      }()) {
  if (port_ == 0) {
    Poco::Process::kill(handle_);
    handle_.wait();
    throw std::runtime_error(script + " did not start (see its stderr above)");
  }
}

ServerProcess::~ServerProcess() {
  try {
    Poco::Process::kill(handle_);
    handle_.wait();
  } catch (...) {
  }
}

std::vector<boost::json::value> records(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<boost::json::value> out;
  for (const auto& f : files) out.push_back(boost::json::parse(read_file(f)));
  return out;
}

std::vector<boost::json::value> wait_for_records(const fs::path& dir, std::size_t count) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    auto r = records(dir);
    if (r.size() >= count || std::chrono::steady_clock::now() > until) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

drkit::Event failed_event() {
  drkit::Event e{.type = "step.failed",
                 .run_id = "20261123-141503-7f3a",
                 .pipeline = "failover",
                 .environment = "lab",
                 .step_id = "restore-mgc",
                 .status = "failed",
                 .message = "restore of [mgc] failed on backup_sql"};
  e.duration_seconds = 12.5;
  e.data = {{"attempt", 2},
            {"error", "Msg 4305, Level 16: The log in this backup set begins at LSN 42.\n"
                      "RESTORE LOG is terminating abnormally."}};
  return e;
}

drkit::Event succeeded_event() {
  drkit::Event e{.type = "run.finished",
                 .run_id = "20261123-141503-7f3a",
                 .pipeline = "failover",
                 .environment = "lab",
                 .step_id = "",
                 .status = "succeeded",
                 .message = "failover finished in 4m12s"};
  e.duration_seconds = 252;
  return e;
}

}  // namespace notify_test
