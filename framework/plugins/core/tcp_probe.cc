#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <fmt/format.h>

#include "core_components.h"
#include "drkit/sdk.hpp"

namespace drkit::core {

namespace {
class TcpProbe final : public Probe {
 public:
  explicit TcpProbe(const Params& p)
      : host_(p.string("host")), port_(p.integer("port")), timeout_(p.duration("timeout")) {}
  ProbeResult check(Context&) override {
    std::string where = fmt::format("{}:{}", host_, port_);
    try {
      Poco::Net::StreamSocket s;
      s.connect(Poco::Net::SocketAddress(host_, static_cast<Poco::UInt16>(port_)),
                Poco::Timespan(timeout_.count() * 1000));
      return {true, true, where + " accepts connections"};
    } catch (const Poco::Exception& e) {
      return {false, false, fmt::format("{} is not reachable: {}", where, e.displayText())};
    }
  }

 private:
  std::string host_;
  std::int64_t port_;
  Duration timeout_;
};
}  // namespace

void register_tcp_probe(Registry& r) {
  r.add_probe({.name = "tcp",
               .summary = "Holds when host:port accepts a TCP connection (value: true/false)",
               .params = {{.name = "host", .type = ParamType::string, .required = true, .description = "host name or address"},
                          {.name = "port", .type = ParamType::integer, .required = true, .description = "TCP port",
                           .minimum = 1, .maximum = 65535},
                          {.name = "timeout", .type = ParamType::duration, .default_value = "3s",
                           .description = "connect timeout"}}},
              [](const Params& p) { return std::make_unique<TcpProbe>(p); });
}

}  // namespace drkit::core
