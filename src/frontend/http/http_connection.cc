#include "frontend/http/http_connection.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/ascii.h"
#include "core/model_stats.h"
#include "core/partial_io.h"

namespace inferd {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Serialises the status line and headers; the body follows as buffers.
std::string ResponseHead(const HttpReply& reply, size_t content_length, bool keep_alive) {
  // Appended piece by piece into one reserved string: one allocation per reply.
  std::string head;
  head.reserve(160);
  head.append("HTTP/1.1 ").append(std::to_string(reply.status)).append(" ");
  head.append(http::obsolete_reason(http::int_to_status(reply.status))).append("\r\n");
  if (!reply.content_type.empty()) head.append("Content-Type: ").append(reply.content_type).append("\r\n");
  for (const auto& [name, value] : reply.headers) head.append(name).append(": ").append(value).append("\r\n");
  head.append("Content-Length: ").append(std::to_string(content_length)).append("\r\n");
  if (!keep_alive) head.append("Connection: close\r\n");
  return head.append("\r\n");
}

// Largest single read: big bodies arrive in reads of this size.
constexpr size_t kReadChunk = 64 * 1024;
// Smallest read, and the first read of a request.
constexpr size_t kFirstRead = 4096;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const HttpConnectionContext& context)
      : socket_(std::move(socket)), context_(context) {}

  void Start() {
    beast::error_code ignored;
    socket_.non_blocking(true, ignored);
    NewRequest();
    ReadRequest();
  }

 private:
  // What to do once everything queued for sending has gone out.
  enum class AfterSend { kReadBody, kNextRequest, kClose };

  void NewRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(context_.options->max_header_size));
    parser_->body_limit(context_.options->max_body_size);
    header_checked_ = false;
    receive_start_ns_ = 0;
  }

  // Parses what the buffer holds until a request is complete (then handles
  // it, and goes on with the next one if it was answered inline) or more
  // input is needed (then reads it and comes back).
  void ReadRequest() {
    for (;;) {
      if (buffer_.size() > 0) {
        if (receive_start_ns_ == 0) receive_start_ns_ = SteadyNowNs();
        beast::error_code ec;
        size_t used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec && ec != http::error::need_more) return OnReadError(ec);
        if (parser_->is_header_done() && !header_checked_) {
          header_checked_ = true;
          parser_->eager(true);  // from here on, parse the body as far as the buffer goes
          if (!parser_->is_done() && ExpectsContinue()) {
            static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            return Send({iovec{const_cast<char*>(kContinue.data()), kContinue.size()}}, AfterSend::kReadBody);
          }
        }
        if (parser_->is_done()) {
          if (!HandleRequest()) return;  // answered later, from another thread
          NewRequest();
          continue;
        }
        if (!ec && used > 0) continue;
      }
      auto space = buffer_.prepare(ReadSize());
      ssize_t got = ::recv(socket_.native_handle(), space.data(), space.size(), 0);
      if (got > 0) {
        buffer_.commit(static_cast<size_t>(got));
        continue;
      }
      if (got == 0) return OnEndOfInput();
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
          if (ec) return self->Close();
          self->ReadRequest();
        });
        return;
      }
      return Close();
    }
  }

  size_t ReadSize() const {
    if (!parser_->is_header_done()) return std::max(kFirstRead, buffer_.capacity() - buffer_.size());
    if (auto remaining = parser_->content_length_remaining()) {
      return std::clamp<size_t>(static_cast<size_t>(*remaining), 512, kReadChunk);
    }
    return kReadChunk;  // chunked
  }

  bool ExpectsContinue() const {
    auto expect = parser_->get().find(http::field::expect);
    return expect != parser_->get().end() && beast::iequals(expect->value(), "100-continue");
  }

  // The client closed its side.
  void OnEndOfInput() {
    if (!parser_->got_some()) return Close();  // between requests: a normal end
    beast::error_code ec;
    parser_->put_eof(ec);
    if (!ec && parser_->is_done()) {
      if (HandleRequest()) Close();
      return;
    }
    OnReadError(ec ? ec : beast::error_code(http::error::partial_message));
  }

  void OnReadError(beast::error_code ec) {
    std::string message;
    if (ec == http::error::body_limit) {
      message = "request body is larger than the maximum allowed size of " +
                std::to_string(context_.options->max_body_size) + " bytes (--http-max-input-size)";
    } else if (ec == http::error::header_limit) {
      message = "request header is larger than the limit of " + std::to_string(context_.options->max_header_size) +
                " bytes";
    } else if (ec == http::error::partial_message) {
      // The client stopped sending (or half-closed) before the body was complete.
      message = "request body ended before the length its headers announced";
    } else {
      message = "malformed HTTP request: " + ec.message();
    }
    keep_alive_ = false;
    Write(HttpReply::Error(400, message));
  }

  // Hands the parsed request to the handler. Returns true when the handler
  // answered inline and that answer is fully sent, so the caller goes on
  // reading; otherwise whoever finishes the answer goes on.
  bool HandleRequest() {
    auto& message = parser_->get();
    keep_alive_ = message.keep_alive();
    HttpRequest request;
    request.method = std::string(message.method_string());
    std::string_view target = message.target();
    request.path = std::string(target.substr(0, target.find('?')));
    request.headers.reserve(8);
    for (const auto& field : message) request.headers.emplace_back(LowerAscii(field.name_string()), field.value());
    request.body = std::make_shared<const std::string>(std::move(message.body()));
    request.receive_start_ns = receive_start_ns_;
    request.receive_end_ns = SteadyNowNs();
    parser_.reset();
    ++*context_.answering;
    context_.polling->RequestTaken();
    answering_request_ = true;
    // dispatch: a reply given while still on this connection's thread (health,
    // metadata, errors, inline inference) is written at once, without a hop
    // through the loop's queue.
    auto reply = [self = shared_from_this()](HttpReply reply) {
      net::dispatch(self->socket_.get_executor(),
                    [self, reply = std::move(reply)]() mutable { self->Write(std::move(reply)); });
    };
    handling_ = true;
    answered_inline_ = false;
    context_.handler->Handle(std::move(request), std::move(reply));
    handling_ = false;
    return answered_inline_;
  }

  void Write(HttpReply reply) {
    reply_ = std::move(reply);
    size_t length = reply_.body.size();
    for (const auto& blob : reply_.blobs) length += blob.size();
    head_ = ResponseHead(reply_, length, keep_alive_);
    std::vector<iovec> pieces;
    pieces.reserve(2 + reply_.blobs.size());
    pieces.push_back({head_.data(), head_.size()});
    if (!reply_.body.empty()) pieces.push_back({reply_.body.data(), reply_.body.size()});
    for (const auto& blob : reply_.blobs) {
      pieces.push_back({const_cast<char*>(reinterpret_cast<const char*>(blob.data())), blob.size()});
    }
    Send(std::move(pieces), keep_alive_ ? AfterSend::kNextRequest : AfterSend::kClose);
  }

  void Send(std::vector<iovec> pieces, AfterSend after) {
    pending_ = std::move(pieces);
    next_piece_ = 0;
    after_send_ = after;
    SendPending();
  }

  // Writes what is left of `pending_`; waits for room when the socket is full.
  void SendPending() {
    while (next_piece_ < pending_.size()) {
      msghdr message{};
      message.msg_iov = &pending_[next_piece_];
      message.msg_iovlen = std::min<size_t>(pending_.size() - next_piece_, IOV_MAX);
      ssize_t sent = ::sendmsg(socket_.native_handle(), &message, MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](beast::error_code ec) {
            if (ec) return self->Sent(false);
            self->SendPending();
          });
          return;
        }
        return Sent(false);
      }
      next_piece_ = SkipHandled(pending_.data(), pending_.size(), next_piece_, static_cast<size_t>(sent));
    }
    Sent(true);
  }

  void Sent(bool ok) {
    pending_.clear();
    AfterSend after = ok ? after_send_ : AfterSend::kClose;
    if (after == AfterSend::kReadBody) return ReadRequest();
    reply_ = HttpReply();  // release the outputs as soon as they are sent
    if (answering_request_) {
      answering_request_ = false;
      --*context_.answering;
      context_.polling->RequestAnswered();
    }
    if (after == AfterSend::kClose) return Close();
    if (handling_) {
      answered_inline_ = true;  // HandleRequest's caller reads on, without recursing
      return;
    }
    NewRequest();
    ReadRequest();
  }

  void Close() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
  }

  tcp::socket socket_;
  const HttpConnectionContext& context_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool header_checked_ = false;  // the current request's header was looked at (Expect)
  uint64_t receive_start_ns_ = 0;  // when the current request's first bytes were there
  bool keep_alive_ = true;
  bool answering_request_ = false;  // this connection counts one request in `answering` and `polling`
  bool handling_ = false;           // inside the handler's Handle
  bool answered_inline_ = false;    // the reply was sent before Handle returned
  HttpReply reply_;
  std::string head_;
  std::vector<iovec> pending_;  // what Send still has to write
  size_t next_piece_ = 0;
  AfterSend after_send_ = AfterSend::kNextRequest;
};

}  // namespace

void StartHttpConnection(tcp::socket socket, const HttpConnectionContext& context) {
  std::make_shared<Connection>(std::move(socket), context)->Start();
}

}  // namespace inferd
