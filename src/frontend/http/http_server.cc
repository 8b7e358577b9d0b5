#include "frontend/http/http_server.h"

#include <boost/asio.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "frontend/http/event_loop.h"
#include "frontend/http/http_connection.h"

namespace inferd {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// One io_context per thread: a connection lives on one thread for its whole
// life, so reading, parsing, inline inference and the reply need no locks and
// no hand-over between threads. New connections go round-robin.
struct HttpServer::Impl {
  struct Loop {
    net::io_context io{1};
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
    std::thread thread;
  };

  HttpServerOptions options;
  HttpHandler* handler;
  std::vector<std::unique_ptr<Loop>> loops;
  std::optional<tcp::acceptor> acceptor;
  size_t next_loop = 0;
  int bound_port = 0;
  std::atomic<int64_t> answering{0};
  BusyPolling own_polling;  // when the options share none
  BusyPolling* polling = nullptr;
  HttpConnectionContext connections{};

  void Accept() {
    net::io_context& target = loops[next_loop]->io;
    next_loop = (next_loop + 1) % loops.size();
    acceptor->async_accept(target, [this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        StartHttpConnection(std::move(socket), connections);
      }
      Accept();
    });
  }
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler* handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = handler;
  impl_->polling = impl_->options.polling ? impl_->options.polling : &impl_->own_polling;
  impl_->connections = {&impl_->options, impl_->handler, &impl_->answering, impl_->polling};
  for (int i = 0; i < std::max(1, impl_->options.threads); ++i) impl_->loops.push_back(std::make_unique<Impl::Loop>());
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  boost::system::error_code ec;
  auto address = net::ip::make_address(impl_->options.address, ec);
  if (ec) return Status::InvalidArg("invalid " + impl_->options.name + " address '" + impl_->options.address + "'");
  tcp::endpoint endpoint(address, static_cast<unsigned short>(impl_->options.port));
  auto& acceptor = impl_->acceptor.emplace(impl_->loops.front()->io);
  if (acceptor.open(endpoint.protocol(), ec) || acceptor.set_option(net::socket_base::reuse_address(true), ec) ||
      acceptor.bind(endpoint, ec) || acceptor.listen(net::socket_base::max_listen_connections, ec)) {
    return Status::Unavailable("unable to listen for " + impl_->options.name + " on " + impl_->options.address + ":" +
                               std::to_string(impl_->options.port) + ": " + ec.message());
  }
  impl_->bound_port = acceptor.local_endpoint().port();
  impl_->Accept();
  for (auto& loop : impl_->loops) {
    loop->work.emplace(loop->io.get_executor());
    loop->thread = std::thread([io = &loop->io, this] {
      RunEventLoop(*io, impl_->polling, std::chrono::microseconds(impl_->options.busy_poll_us));
    });
  }
  return Status::Ok();
}

void HttpServer::Stop() {
  if (impl_->loops.empty() || !impl_->loops.front()->thread.joinable()) return;
  net::post(impl_->loops.front()->io, [this] {
    boost::system::error_code ignored;
    impl_->acceptor->close(ignored);
  });
  // Replies already on their way (answers to requests that just finished)
  // still go out, for a bounded time.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (impl_->answering > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  for (auto& loop : impl_->loops) loop->io.stop();
  for (auto& loop : impl_->loops) loop->thread.join();
}

int HttpServer::port() const { return impl_->bound_port; }

}  // namespace inferd
