#include "perf/http_connection.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
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
    // Exchanges use the socket directly: a load generator's own cost per
    // request should be as small as it can be. Sends never block (poll waits
    // for room); a receive blocks in the kernel for at most the timeout
    // (SO_RCVTIMEO), so waiting for a response costs one system call.
    socket.non_blocking(false, ec);
    timeval receive_timeout{};
    receive_timeout.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    receive_timeout.tv_usec = static_cast<suseconds_t>(timeout.count() % 1000 * 1000);
    if (setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof receive_timeout) != 0) {
      std::string why = strerror(errno);
      Close();
      return Status::Error("cannot set the receive timeout on the connection to " + Address() + ": " + why);
    }
    connected = true;
    return Status::Ok();
  }

  std::string TimeoutText() const { return std::to_string(timeout.count()) + " ms (--timeout)"; }

  // Waits until the socket is ready for `events` or the deadline passes.
  bool Await(short events, Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd wait{socket.native_handle(), events, 0};
    int ready;
    do {
      ready = poll(&wait, 1, static_cast<int>(std::max<int64_t>(0, left)));
    } while (ready < 0 && errno == EINTR);
    return ready > 0;
  }

  // Writes every piece with sendmsg straight from the caller's memory.
  bool WriteAll(std::vector<iovec> pieces, Clock::time_point deadline, std::string* failure) {
    size_t first = 0;
    while (first < pieces.size()) {
      msghdr message{};
      message.msg_iov = pieces.data() + first;
      message.msg_iovlen = std::min<size_t>(pieces.size() - first, IOV_MAX);
      ssize_t sent = sendmsg(socket.native_handle(), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return Fail(failure, std::string("failed: ") + strerror(errno));
        if (!Await(POLLOUT, deadline)) return Fail(failure, "took longer than " + TimeoutText());
        continue;
      }
      auto left = static_cast<size_t>(sent);
      while (first < pieces.size() && left >= pieces[first].iov_len) left -= pieces[first++].iov_len;
      if (left > 0) {
        pieces[first].iov_base = static_cast<char*>(pieces[first].iov_base) + left;
        pieces[first].iov_len -= left;
      }
    }
    return true;
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
      ssize_t got = recv(socket.native_handle(), space.data(), space.size(), 0);
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
    if (!connected) {
      Status status = Connect(deadline);
      if (!status.ok()) return status;
    }
    const bool reused = exchanges > 0;
    std::vector<iovec> pieces;
    pieces.reserve(body.size() + 1);
    pieces.push_back({const_cast<char*>(head.data()), head.size()});
    for (std::string_view part : body) pieces.push_back({const_cast<char*>(part.data()), part.size()});
    std::string failure;
    if (!WriteAll(std::move(pieces), deadline, &failure)) {
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
