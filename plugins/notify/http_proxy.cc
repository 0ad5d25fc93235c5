#include "http_proxy.hpp"

#include <sstream>

#include <Poco/Base64Encoder.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/URI.h>
#include <fmt/format.h>

#include "drkit/errors.hpp"

namespace drkit::notify {
namespace {

std::string basic_credentials(const std::string& user_info) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out);
  enc.rdbuf()->setLineLength(0);
  enc << user_info;
  enc.close();
  return "Basic " + out.str();
}

}  // namespace

ParamSpec HttpProxy::param_spec() {
  return {.name = "proxy", .type = ParamType::string,
          .description = "HTTP proxy, \"http://[user:password@]host:port\": https URLs go "
                         "through a CONNECT tunnel (TLS stays end to end), http URLs are sent "
                         "to the proxy. Default: direct connection (proxy environment "
                         "variables are not read).",
          .secret = true};
}

std::optional<HttpProxy> HttpProxy::from(const Params& params, SecretScrubber& scrubber) {
  if (!params.has("proxy")) return std::nullopt;
  auto text = params.string("proxy");
  if (text.empty()) return std::nullopt;
  scrubber.add(text);
  Poco::URI uri;
  try {
    uri = Poco::URI(text);
  } catch (const Poco::Exception& e) {
    throw ConfigError(fmt::format("proxy: not a URL ({}); write http://proxy.contoso.com:3128",
                                  e.message()));
  }
  if (uri.getScheme() != "http" || uri.getHost().empty())
    throw ConfigError("proxy: expected http://host:port (the connection to the proxy itself "
                      "is plain HTTP; https targets are tunnelled through it)");
  HttpProxy p;
  p.host = uri.getHost();
  p.port = uri.getPort();
  if (!uri.getUserInfo().empty()) {
    // Poco keeps the user info percent-decoded: "user:p@ss".
    auto info = uri.getUserInfo();
    scrubber.add(info);
    auto colon = info.find(':');
    if (colon != std::string::npos) scrubber.add(info.substr(colon + 1));
    p.authorization = basic_credentials(info);
    scrubber.add(p.authorization);
  }
  return p;
}

ProxyAnswer open_tunnel(Poco::Net::StreamSocket& socket, const HttpProxy& proxy,
                        const std::string& host, int port) {
  Poco::Net::SocketStream stream(socket);
  auto target = fmt::format("{}:{}", host, port);
  stream << "CONNECT " << target << " HTTP/1.1\r\nHost: " << target << "\r\n";
  if (!proxy.authorization.empty()) stream << "Proxy-Authorization: " << proxy.authorization << "\r\n";
  stream << "\r\n" << std::flush;
  // Nothing follows the proxy's answer until we speak TLS, so the stream's read-ahead
  // cannot swallow bytes of the tunnel.
  Poco::Net::HTTPResponse response;
  response.read(stream);
  return {static_cast<int>(response.getStatus()), response.getReason()};
}

}  // namespace drkit::notify
