#include "perf/tcp_socket.h"

#include <boost/asio.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace inferd::perf {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

// Asio resolves and connects within a deadline; the socket it connected is
// then used through its descriptor.
struct TcpSocket::Resolver {
  net::io_context io;
  tcp::resolver resolver{io};
  tcp::socket socket{io};

  // Runs the operation started by `start` (which must call its argument on
  // completion) until it completes or `deadline` passes. On the deadline the
  // socket is closed, which ends the operation. Returns false on timeout.
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

  void Close() {
    error_code ignored;
    resolver.cancel();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }
};

TcpSocket::TcpSocket(std::string host, std::string port, SocketSettings settings)
    : host_(std::move(host)), port_(std::move(port)), settings_(settings), resolver_(std::make_unique<Resolver>()) {}

TcpSocket::~TcpSocket() { Close(); }

std::string TcpSocket::TimeoutText() const { return std::to_string(settings_.timeout.count()) + " ms (--timeout)"; }

std::string TcpSocket::Authority() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return (v6 ? "[" + host_ + "]" : host_) + ":" + port_;
}

void TcpSocket::Close() {
  resolver_->Close();
  fd_ = -1;
}

Status TcpSocket::Connect(Clock::time_point deadline) {
  Close();
  error_code ec;
  tcp::resolver::results_type endpoints;
  bool finished = resolver_->Run(deadline, &ec, [&](auto complete) {
    resolver_->resolver.async_resolve(host_, port_, [&, complete](error_code e, tcp::resolver::results_type results) {
      endpoints = std::move(results);
      complete(e);
    });
  });
  if (!finished) return Status::Error("cannot resolve '" + host_ + "' within " + TimeoutText());
  if (ec) return Status::Error("cannot resolve '" + host_ + "': " + ec.message());
  tcp::socket& socket = resolver_->socket;
  finished = resolver_->Run(deadline, &ec, [&](auto complete) {
    net::async_connect(socket, endpoints, [complete](error_code e, const tcp::endpoint&) { complete(e); });
  });
  if (!finished) return Status::Error("cannot connect to " + Address() + " within " + TimeoutText());
  if (ec) {
    resolver_->Close();
    return Status::Error("cannot connect to " + Address() + ": " + ec.message());
  }
  socket.set_option(tcp::no_delay(true), ec);
  socket.non_blocking(false, ec);
  timeval receive_timeout{};
  receive_timeout.tv_sec = static_cast<time_t>(settings_.timeout.count() / 1000);
  receive_timeout.tv_usec = static_cast<suseconds_t>(settings_.timeout.count() % 1000 * 1000);
  if (setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof receive_timeout) != 0) {
    std::string why = strerror(errno);
    resolver_->Close();
    return Status::Error("cannot set the receive timeout on the connection to " + Address() + ": " + why);
  }
  fd_ = socket.native_handle();
  return Status::Ok();
}

bool TcpSocket::Await(short events, Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  pollfd wait{fd_, events, 0};
  int ready;
  do {
    ready = poll(&wait, 1, static_cast<int>(std::max<int64_t>(0, left)));
  } while (ready < 0 && errno == EINTR);
  return ready > 0;
}

bool TcpSocket::WriteAll(std::vector<iovec> pieces, Clock::time_point deadline, std::string* failure) {
  size_t first = 0;
  while (first < pieces.size()) {
    msghdr message{};
    message.msg_iov = pieces.data() + first;
    message.msg_iovlen = std::min<size_t>(pieces.size() - first, IOV_MAX);
    ssize_t sent = sendmsg(fd_, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        *failure = std::string("failed: ") + strerror(errno);
        return false;
      }
      if (!Await(POLLOUT, deadline)) {
        *failure = "took longer than " + TimeoutText();
        return false;
      }
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

ssize_t TcpSocket::Receive(void* buffer, size_t size) {
  if (settings_.busy_poll.count() > 0) {
    auto until = Clock::now() + settings_.busy_poll;
    do {
      ssize_t received = recv(fd_, buffer, size, MSG_DONTWAIT);
      if (received >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return received;
    } while (Clock::now() < until);
  }
  return recv(fd_, buffer, size, 0);
}

}  // namespace inferd::perf
