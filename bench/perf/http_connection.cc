#include "perf/http_connection.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <limits>
#include <optional>

#include "perf/clock.h"

namespace inferd::perf {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

struct HttpConnection::Impl {
  std::string host, port;
  std::chrono::milliseconds timeout;
  net::io_context io;
  tcp::resolver resolver{io};
  tcp::socket socket{io};
  beast::flat_buffer buffer;
  bool connected = false;
  int exchanges = 0;  // completed on the current connection

  std::string Address() const { return host + ":" + port; }

  void Close() {
    error_code ignored;
    resolver.cancel();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    buffer.clear();
    connected = false;
    exchanges = 0;
  }

  // Runs the operation started by `start` (which must call its argument on
  // completion) until it completes or `deadline` passes. On the deadline the
  // connection is closed, which ends the operation. Returns false on timeout.
  template <typename Start>
  bool Run(Clock::time_point deadline, error_code* ec, Start start) {
    bool done = false;
    io.restart();
    start([&](error_code result) {
      done = true;
      *ec = result;
    });
    while (!done && io.run_one_until(deadline) > 0) {
    }
    if (done) return true;
    Close();
    io.restart();
    io.run();  // delivers the aborted operation's completion
    return false;
  }

  Status Connect(Clock::time_point deadline) {
    error_code ec;
    tcp::resolver::results_type endpoints;
    bool finished = Run(deadline, &ec, [&](auto complete) {
      resolver.async_resolve(host, port, [&, complete](error_code e, tcp::resolver::results_type results) {
        endpoints = std::move(results);
        complete(e);
      });
    });
    if (!finished) return Status::Error("cannot resolve '" + host + "' within " + TimeoutText());
    if (ec) return Status::Error("cannot resolve '" + host + "': " + ec.message());
    finished = Run(deadline, &ec, [&](auto complete) {
      net::async_connect(socket, endpoints, [complete](error_code e, const tcp::endpoint&) { complete(e); });
    });
    if (!finished) return Status::Error("cannot connect to " + Address() + " within " + TimeoutText());
    if (ec) {
      Close();
      return Status::Error("cannot connect to " + Address() + ": " + ec.message());
    }
    socket.set_option(tcp::no_delay(true), ec);
    connected = true;
    return Status::Ok();
  }

  std::string TimeoutText() const { return std::to_string(timeout.count()) + " ms (--timeout)"; }

  // One attempt. `*retry` tells whether the attempt failed before the server
  // could have seen the request on a connection that had been reused.
  Status Attempt(const std::string& head, const std::vector<std::string_view>& body, Clock::time_point deadline,
                 HttpResponse* response, HttpExchangeTiming* timing, bool* retry) {
    *retry = false;
    if (!connected) {
      Status status = Connect(deadline);
      if (!status.ok()) return status;
    }
    const bool reused = exchanges > 0;
    std::vector<net::const_buffer> buffers;
    buffers.reserve(body.size() + 1);
    buffers.emplace_back(head.data(), head.size());
    for (std::string_view part : body) buffers.emplace_back(part.data(), part.size());
    error_code ec;
    bool finished = Run(deadline, &ec, [&](auto complete) {
      net::async_write(socket, buffers, [complete](error_code e, size_t) { complete(e); });
    });
    if (!finished) return Status::Error("sending to " + Address() + " took longer than " + TimeoutText());
    if (ec) {
      Close();
      *retry = reused;
      return Status::Error("sending to " + Address() + " failed: " + ec.message());
    }
    timing->written_ns = NowNs();
    if (buffer.size() == 0) {
      finished = Run(deadline, &ec, [&](auto complete) {
        socket.async_wait(tcp::socket::wait_read, [complete](error_code e) { complete(e); });
      });
      if (!finished) return Status::Error("no response from " + Address() + " within " + TimeoutText());
    }
    timing->first_byte_ns = NowNs();
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.header_limit(1 << 20);
    // Beast reads at most what the buffer has room for (512 bytes at first).
    buffer.reserve(64 * 1024);
    finished = Run(deadline, &ec, [&](auto complete) {
      http::async_read(socket, buffer, parser, [complete](error_code e, size_t) { complete(e); });
    });
    if (!finished) return Status::Error("the response from " + Address() + " did not arrive within " + TimeoutText());
    if (ec) {
      bool nothing_read = !parser.got_some();
      Close();
      *retry = reused && nothing_read;
      return Status::Error("reading the response from " + Address() + " failed: " + ec.message());
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

HttpConnection::HttpConnection(std::string host, std::string port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = std::move(port);
  impl_->timeout = timeout;
}

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
  const bool v6 = impl_->host.find(':') != std::string::npos;
  head.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: ");
  head.append(v6 ? "[" + impl_->host + "]" : impl_->host).append(":").append(impl_->port).append("\r\n");
  for (const auto& [name, value] : headers) head.append(name).append(": ").append(value).append("\r\n");
  if (length > 0 || method == "POST") head.append("Content-Length: ").append(std::to_string(length)).append("\r\n");
  head.append("\r\n");
  HttpExchangeTiming ignored;
  if (!timing) timing = &ignored;
  Status status;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto deadline = Clock::now() + impl_->timeout;
    bool retry = false;
    status = impl_->Attempt(head, body, deadline, response, timing, &retry);
    if (status.ok() || !retry) break;
  }
  return status;
}

}  // namespace inferd::perf
