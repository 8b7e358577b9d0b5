#include "frontend/http/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "core/logging.h"
#include "frontend/http/event_loop.h"

namespace inferd {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Serialises the status line and headers; the body follows as buffers.
std::string ResponseHead(const HttpReply& reply, size_t content_length, bool keep_alive) {
  std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " ";
  head += std::string(http::obsolete_reason(http::int_to_status(reply.status)));
  head += "\r\n";
  if (!reply.content_type.empty()) head += "Content-Type: " + reply.content_type + "\r\n";
  for (const auto& [name, value] : reply.headers) head += name + ": " + value + "\r\n";
  head += "Content-Length: " + std::to_string(content_length) + "\r\n";
  if (!keep_alive) head += "Connection: close\r\n";
  return head + "\r\n";
}

// Largest read of a request body (Beast's own limit per read).
constexpr size_t kReadChunk = 64 * 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `answering` counts the requests of every session taken and not yet
  // answered, so Stop can let their replies go out first; `polling` counts
  // them too, with those of the other frontends.
  Session(tcp::socket socket, const HttpServerOptions& options, HttpHandler* handler,
          std::atomic<int64_t>* answering, BusyPolling* polling)
      : stream_(std::move(socket)),
        options_(options),
        handler_(handler),
        answering_(answering),
        polling_(polling) {}

  void Start() { ReadHeader(); }

 private:
  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_size));
    parser_->body_limit(options_.max_body_size);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    auto expect = parser_->get().find(http::field::expect);
    if (expect != parser_->get().end() && Lower(expect->value()) == "100-continue") {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue), [self = shared_from_this()](beast::error_code ec, size_t) {
        if (ec) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    // Beast reads at most what the buffer has room for (512 bytes at first):
    // make room for a large body up front, or a 1 MiB body takes 2000 reads.
    if (auto length = parser_->content_length()) buffer_.reserve(std::min<uint64_t>(*length, kReadChunk));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
        ec == net::error::operation_aborted) {
      return Close();
    }
    std::string message;
    if (ec == http::error::body_limit) {
      message = "request body is larger than the maximum allowed size of " + std::to_string(options_.max_body_size) +
                " bytes (--http-max-input-size)";
    } else if (ec == http::error::header_limit) {
      message = "request header is larger than the limit of " + std::to_string(options_.max_header_size) + " bytes";
    } else if (ec == http::error::partial_message) {
      // The client stopped sending (or half-closed) before the body was complete.
      message = "request body ended before the length its headers announced";
    } else {
      message = "malformed HTTP request: " + ec.message();
    }
    keep_alive_ = false;
    Write(HttpReply::Error(400, message));
  }

  void OnBody(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    auto& message = parser_->get();
    keep_alive_ = message.keep_alive();
    HttpRequest request;
    request.method = std::string(message.method_string());
    std::string_view target = message.target();
    request.path = std::string(target.substr(0, target.find('?')));
    for (const auto& field : message) request.headers[Lower(field.name_string())] = std::string(field.value());
    request.body = std::make_shared<const std::string>(std::move(message.body()));
    parser_.reset();
    ++*answering_;
    polling_->RequestTaken();
    answering_request_ = true;
    // dispatch: a reply given while still on this connection's thread (health,
    // metadata, errors, inline inference) is written at once, without a hop
    // through the queue.
    auto reply = [self = shared_from_this()](HttpReply reply) {
      net::dispatch(self->stream_.get_executor(),
                [self, reply = std::move(reply)]() mutable { self->Write(std::move(reply)); });
    };
    handler_->Handle(std::move(request), std::move(reply));
  }

  void Write(HttpReply reply) {
    reply_ = std::move(reply);
    size_t length = reply_.body.size();
    for (const auto& blob : reply_.blobs) length += blob.size();
    head_ = ResponseHead(reply_, length, keep_alive_);
    std::vector<net::const_buffer> buffers;
    buffers.reserve(2 + reply_.blobs.size());
    buffers.emplace_back(net::buffer(head_));
    if (!reply_.body.empty()) buffers.emplace_back(net::buffer(reply_.body));
    for (const auto& blob : reply_.blobs) buffers.emplace_back(blob.data(), blob.size());
    net::async_write(stream_, buffers, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->reply_ = HttpReply();  // release the outputs as soon as they are sent
      if (self->answering_request_) {
        self->answering_request_ = false;
        --*self->answering_;
        self->polling_->RequestAnswered();
      }
      if (ec || !self->keep_alive_) return self->Close();
      self->ReadHeader();
    });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  const HttpServerOptions& options_;
  HttpHandler* handler_;
  std::atomic<int64_t>* answering_;
  BusyPolling* polling_;
  bool answering_request_ = false;  // this session counts one request in `answering_` and `polling_`
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = true;
  HttpReply reply_;
  std::string head_;
};

}  // namespace

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

  void Accept() {
    net::io_context& target = loops[next_loop]->io;
    next_loop = (next_loop + 1) % loops.size();
    acceptor->async_accept(target, [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<Session>(std::move(socket), options, handler, &answering, polling)->Start();
      }
      Accept();
    });
  }
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler* handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = handler;
  impl_->polling = impl_->options.polling ? impl_->options.polling : &impl_->own_polling;
  for (int i = 0; i < std::max(1, impl_->options.threads); ++i) impl_->loops.push_back(std::make_unique<Impl::Loop>());
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  beast::error_code ec;
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
    beast::error_code ignored;
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
