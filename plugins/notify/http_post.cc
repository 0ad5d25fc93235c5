#include "http_post.hpp"

#include <memory>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "drkit/version.hpp"
#include "event_template.hpp"
#include "tls_library.hpp"
#include "transport_failure.hpp"

namespace drkit::notify {
namespace {

constexpr std::size_t kBodyExcerpt = 4096;

Poco::Timespan timespan(Duration d) { return Poco::Timespan(d.count() * 1000); }

std::string read_excerpt(std::istream& in) {
  std::string out(kBodyExcerpt, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

}  // namespace

Poco::URI parse_http_url(const std::string& text, std::string_view param) {
  Poco::URI uri;
  try {
    uri = Poco::URI(text);
  } catch (const Poco::Exception& e) {
    throw ConfigError(fmt::format("{}: not a URL ({}); write https://host/path", param, e.message()));
  }
  if ((uri.getScheme() != "https" && uri.getScheme() != "http") || uri.getHost().empty())
    throw ConfigError(fmt::format("{}: expected an http:// or https:// URL with a host, got "
                                  "scheme '{}'",
                                  param, uri.getScheme()));
  return uri;
}

std::string loggable_origin(const Poco::URI& url) {
  return fmt::format("{}://{}:{}", url.getScheme(), url.getHost(), url.getPort());
}

HttpAnswer http_post_once(const HttpPost& post, const TlsOptions& tls, Duration timeout,
                          CancelWatch& watch, const CancellationToken& token) {
  const auto& url = post.url;
  const bool https = url.getScheme() == "https";
  const auto to = timespan(timeout);
  try {
    Poco::Net::SocketAddress address =
        post.proxy ? Poco::Net::SocketAddress(post.proxy->host, static_cast<Poco::UInt16>(post.proxy->port))
                   : Poco::Net::SocketAddress(url.getHost(), url.getPort());
    // Created unconnected so the watch covers the connect as well.
    Poco::Net::StreamSocket socket(address.family());
    CancelWatch::Scope scope(watch, socket.impl()->sockfd(), timeout);
    // After the scope, so it ends first: its destructor may still talk (SMTP QUIT) and
    // must stay under the watch.
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    socket.connect(address, to);
    socket.setReceiveTimeout(to);
    socket.setSendTimeout(to);
    socket.setNoDelay(true);
    if (https && post.proxy) {
      auto tunnel = open_tunnel(socket, *post.proxy, url.getHost(), url.getPort());
      if (tunnel.status != 200) {
        HttpAnswer refused;
        refused.status = tunnel.status;
        refused.reason = tunnel.reason;
        refused.from_proxy = true;
        return refused;
      }
    }
    if (https) {
      auto secure = tls_library().attach(socket, url.getHost(), tls);
      // HTTPSClientSession refuses an already connected socket; the plain session speaks
      // through the TLS socket just as well.
      session = std::make_unique<Poco::Net::HTTPClientSession>(secure);
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(socket);
    }
    session->setTimeout(to);

    auto target = url.getPathAndQuery().empty() ? std::string("/") : url.getPathAndQuery();
    // Plain HTTP through a proxy: the absolute URL, so the proxy knows where to send it.
    const bool via_proxy = post.proxy && !https;
    if (via_proxy) target = url.toString();
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, target,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setHost(url.getHost(), url.getPort());
    request.setContentType(post.content_type);
    request.setContentLength(static_cast<std::streamsize>(post.body.size()));
    request.setKeepAlive(false);
    request.set("User-Agent", fmt::format("drkit/{}", kVersion));
    for (const auto& [name, value] : post.headers) request.set(name, value);
    if (via_proxy && !post.proxy->authorization.empty())
      request.set("Proxy-Authorization", post.proxy->authorization);
    session->sendRequest(request) << post.body << std::flush;

    Poco::Net::HTTPResponse response;
    auto& in = session->receiveResponse(response);
    HttpAnswer answer;
    answer.status = static_cast<int>(response.getStatus());
    answer.reason = response.getReason();
    answer.body = read_excerpt(in);
    if (response.has("Retry-After")) answer.retry_after = response.get("Retry-After");
    return answer;
  } catch (const Poco::Exception&) {
    // A shutdown by the watch surfaces as a reset or an unexpected close: say why.
    if (token.cancelled()) throw Cancelled();
    if (watch.expired())
      throw Poco::TimeoutException(fmt::format("no answer within {}", format_duration(timeout)));
    throw;
  }
}

void post_with_retries(Context& ctx, const DeliveryOptions& options, const TlsOptions& tls,
                       const HttpPost& post, std::string_view what,
                       const std::function<std::string(std::string)>& redact) {
  CancelWatch watch(ctx.cancellation());
  const auto origin = redact(loggable_origin(post.url));
  deliver(ctx, options, what, [&](int) -> std::optional<AttemptFailure> {
    HttpAnswer answer;
    try {
      answer = http_post_once(post, tls, options.timeout, watch, ctx.cancellation());
    } catch (const Poco::Exception& e) {
      auto f = transport_failure(e);
      f.message = redact(fmt::format("POST {}: {}", origin, f.message));
      return f;
    }
    if (answer.status >= 200 && answer.status < 300) {
      ctx.log().debug(fmt::format("{}: POST {} answered {} {}", what, origin, answer.status,
                                  answer.reason));
      return std::nullopt;
    }
    AttemptFailure f;
    if (answer.from_proxy) {
      f.message = redact(fmt::format("the proxy refused a tunnel to {}: HTTP {} {}", origin,
                                     answer.status, answer.reason));
      f.code = fmt::format("notify.proxy.{}", answer.status);
      f.retryable = answer.status == 429 || answer.status >= 500;
      return f;
    }
    auto body = excerpt(answer.body, 5, 500);
    f.message = redact(fmt::format("POST {} answered HTTP {} {}{}{}", origin, answer.status,
                                   answer.reason, body.empty() ? "" : ": ", body));
    f.code = fmt::format("notify.http.{}", answer.status);
    f.retryable = answer.status == 429 || answer.status >= 500;
    if (f.retryable && answer.retry_after)
      f.retry_after = parse_retry_after(*answer.retry_after, std::chrono::system_clock::now());
    return f;
  });
}

}  // namespace drkit::notify
