// TcpSocket: the load generator's side of one TCP connection, shared by the
// HTTP/1.1 and the gRPC (HTTP/2) clients.
//
// Connecting resolves and connects within a deadline. Once connected, the
// socket is used directly: a load generator's own cost per request should be
// as small as it can be. Sends never block (poll waits for room); a receive
// blocks in the kernel for at most the timeout (SO_RCVTIMEO), so waiting for
// a response costs one system call. Not thread-safe.
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "perf/clock.h"
#include "perf/status.h"

namespace inferd::perf {

struct SocketSettings {
  std::chrono::milliseconds timeout{30000};  // connect, and each exchange
  // How long a receive polls before it blocks (0: it blocks at once). A
  // thread blocked in recv is woken when the answer arrives, which on a
  // virtual machine (an idle vCPU halts) costs tens of microseconds: at low
  // concurrency the load generator's own wake-up would be counted as the
  // server's latency. Polling takes a core per waiting connection.
  std::chrono::microseconds busy_poll{0};
};

class TcpSocket {
 public:
  TcpSocket(std::string host, std::string port, SocketSettings settings);
  ~TcpSocket();
  TcpSocket(const TcpSocket&) = delete;
  TcpSocket& operator=(const TcpSocket&) = delete;

  Status Connect(Clock::time_point deadline);
  void Close();
  bool connected() const { return fd_ >= 0; }

  // Writes every piece with sendmsg straight from the caller's memory. On
  // failure `*failure` says what went wrong, to follow "sending to <address> ".
  bool WriteAll(std::vector<iovec> pieces, Clock::time_point deadline, std::string* failure);
  // One recv into `buffer`, polling first for up to the busy-poll time: the
  // byte count, 0 when the peer closed the connection, -1 with errno set
  // (EAGAIN once the timeout passed).
  ssize_t Receive(void* buffer, size_t size);

  std::chrono::milliseconds timeout() const { return settings_.timeout; }
  // "host:port" as HTTP's Host header and HTTP/2's :authority write it.
  std::string Authority() const;
  // "host:port", for messages.
  std::string Address() const { return host_ + ":" + port_; }
  // "<timeout> ms (--timeout)", for messages.
  std::string TimeoutText() const;

 private:
  struct Resolver;

  bool Await(short events, Clock::time_point deadline);

  std::string host_, port_;
  SocketSettings settings_;
  std::unique_ptr<Resolver> resolver_;
  int fd_ = -1;
};

}  // namespace inferd::perf
