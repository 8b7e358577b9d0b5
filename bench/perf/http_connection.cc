#include "perf/http_connection.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "perf/clock.h"
#include "perf/tcp_socket.h"

namespace inferd::perf {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

struct HttpConnection::Impl {
  TcpSocket socket;
  beast::flat_buffer buffer;
  int exchanges = 0;  // completed on the current connection

  Impl(std::string host, std::string port, SocketSettings settings)
      : socket(std::move(host), std::move(port), settings) {}

  std::string Address() const { return socket.Address(); }
  std::string TimeoutText() const { return socket.TimeoutText(); }

  void Close() {
    socket.Close();
    buffer.clear();
    exchanges = 0;
  }

  // Reads until `parser` has the whole response, feeding it what arrives.
  bool ReadResponse(http::response_parser<http::string_body>* parser, Clock::time_point deadline,
                    HttpExchangeTiming* timing, std::string* failure) {
    for (;;) {
      if (buffer.size() > 0) {
        error_code ec;
        size_t used = parser->put(buffer.data(), ec);
        buffer.consume(used);
        if (ec && ec != http::error::need_more) {
          return Fail(failure, "reading the response from " + Address() + " failed: " + ec.message());
        }
        if (parser->is_done()) return true;
        if (used > 0 && buffer.size() > 0) continue;
      }
      if (Clock::now() >= deadline) return Fail(failure, TimeoutFailure(*parser));
      auto space = buffer.prepare(64 * 1024);
      ssize_t got = socket.Receive(space.data(), space.size());
      if (got > 0) {
        if (timing->first_byte_ns == 0) timing->first_byte_ns = NowNs();
        buffer.commit(static_cast<size_t>(got));
      } else if (got == 0) {
        error_code ec;
        parser->put_eof(ec);  // a response without a length ends with the connection
        if (!ec && parser->is_done()) return true;
        return Fail(failure, "reading the response from " + Address() + " failed: the server closed the connection");
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return Fail(failure, TimeoutFailure(*parser));  // SO_RCVTIMEO passed
      } else if (errno != EINTR) {
        return Fail(failure, "reading the response from " + Address() + " failed: " + strerror(errno));
      }
    }
  }

  std::string TimeoutFailure(const http::response_parser<http::string_body>& parser) const {
    return parser.got_some() ? "the response from " + Address() + " did not arrive within " + TimeoutText()
                             : "no response from " + Address() + " within " + TimeoutText();
  }

  static bool Fail(std::string* failure, std::string message) {
    *failure = std::move(message);
    return false;
  }

  // One attempt. `*retry` tells whether the attempt failed before the server
  // could have seen the request on a connection that had been reused.
  Status Attempt(const std::string& head, const std::vector<std::string_view>& body, Clock::time_point deadline,
                 HttpResponse* response, HttpExchangeTiming* timing, bool* retry) {
    *retry = false;
    if (!socket.connected()) {
      Status status = socket.Connect(deadline);
      if (!status.ok()) return status;
    }
    const bool reused = exchanges > 0;
    std::vector<iovec> pieces;
    pieces.reserve(body.size() + 1);
    pieces.push_back({const_cast<char*>(head.data()), head.size()});
    for (std::string_view part : body) pieces.push_back({const_cast<char*>(part.data()), part.size()});
    std::string failure;
    if (!socket.WriteAll(std::move(pieces), deadline, &failure)) {
      Close();
      *retry = reused;
      return Status::Error("sending to " + Address() + " " + failure);
    }
    timing->written_ns = NowNs();
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.header_limit(1 << 20);
    parser.eager(true);
    if (!ReadResponse(&parser, deadline, timing, &failure)) {
      bool nothing_read = !parser.got_some();
      Close();
      *retry = reused && nothing_read;
      return Status::Error(failure);
    }
    timing->read_ns = NowNs();
    auto& message = parser.get();
    response->status = static_cast<int>(message.result_int());
    response->headers.clear();
    for (const auto& field : message) response->headers[Lower(field.name_string())] = std::string(field.value());
    const bool keep_alive = message.keep_alive();
    response->body = std::move(message.body());
    ++exchanges;
    if (!keep_alive) Close();
    return Status::Ok();
  }
};

HttpConnection::HttpConnection(std::string host, std::string port, SocketSettings settings)
    : impl_(std::make_unique<Impl>(std::move(host), std::move(port), settings)) {}

HttpConnection::~HttpConnection() { impl_->Close(); }

std::string HttpConnection::Address() const { return impl_->Address(); }

Status HttpConnection::Exchange(std::string_view method, std::string_view target,
                                const std::vector<std::pair<std::string, std::string>>& headers,
                                const std::vector<std::string_view>& body, HttpResponse* response,
                                HttpExchangeTiming* timing) {
  size_t length = 0;
  for (std::string_view part : body) length += part.size();
  std::string head;
  head.reserve(256);
  head.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: ");
  head.append(impl_->socket.Authority()).append("\r\n");
  for (const auto& [name, value] : headers) head.append(name).append(": ").append(value).append("\r\n");
  if (length > 0 || method == "POST") head.append("Content-Length: ").append(std::to_string(length)).append("\r\n");
  head.append("\r\n");
  HttpExchangeTiming ignored;
  if (!timing) timing = &ignored;
  Status status;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto deadline = Clock::now() + impl_->socket.timeout();
    bool retry = false;
    status = impl_->Attempt(head, body, deadline, response, timing, &retry);
    if (status.ok() || !retry) break;
  }
  return status;
}

}  // namespace inferd::perf
