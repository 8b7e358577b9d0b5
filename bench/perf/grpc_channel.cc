#include "perf/grpc_channel.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

#include "perf/clock.h"
#include "perf/tcp_socket.h"

namespace inferd::perf {
namespace {

constexpr size_t kPrefixBytes = 5;  // compressed flag, then the length big-endian
constexpr int32_t kLargestWindow = (1u << 31) - 1;

nghttp2_nv Header(std::string_view name, std::string_view value) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
          NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE};
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// grpc-message is percent-encoded on the wire.
std::string PercentDecoded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

std::string GrpcCodeName(int code) {
  static const char* const kCodes[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? kCodes[code] : std::to_string(code);
}

struct GrpcChannel::Impl {
  TcpSocket socket;
  std::string authority;
  std::string timeout_header;  // grpc-timeout
  nghttp2_session* session = nullptr;
  std::string outgoing;              // frames nghttp2 produced, written in one go
  std::vector<uint8_t> incoming = std::vector<uint8_t>(64 * 1024);
  std::string failure;               // why the connection is unusable, from a callback
  int calls = 0;                     // completed on the current connection

  // The call in flight.
  int32_t stream = -1;
  bool closed = false;
  uint32_t reset_code = 0;
  char prefix[kPrefixBytes] = {};
  std::string_view request;
  size_t request_sent = 0;  // of prefix and request together
  int http_status = 0;
  bool has_grpc_status = false;
  GrpcReply* reply = nullptr;
  HttpExchangeTiming* timing = nullptr;
  bool any_byte = false;        // the server sent something since the call began
  bool answer_started = false;  // a header of the call's answer arrived
  int64_t received_ns = 0;      // when the last read returned

  Impl(std::string host, std::string port, SocketSettings settings)
      : socket(std::move(host), std::move(port), settings) {
    authority = socket.Authority();
    // At most 8 digits; a larger timeout is sent in seconds.
    int64_t ms = settings.timeout.count();
    timeout_header = ms < 100000000 ? std::to_string(ms) + "m" : std::to_string(ms / 1000) + "S";
  }

  ~Impl() { Close(); }

  void Close() {
    if (session) nghttp2_session_del(session);
    session = nullptr;
    socket.Close();
    outgoing.clear();
    calls = 0;
  }

  Status Open(Clock::time_point deadline) {
    if (Status status = socket.Connect(deadline); !status.ok()) return status;
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_send_callback(callbacks, &Impl::OnSend);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &Impl::OnHeader);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &Impl::OnData);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &Impl::OnStreamClose);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &Impl::OnFrame);
    int created = nghttp2_session_client_new(&session, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    if (created != 0) {
      Close();
      return Status::Error(std::string("cannot start an HTTP/2 session: ") + nghttp2_strerror(created));
    }
    // Large windows: the server never waits for the client's window updates.
    nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                         {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, kLargestWindow}};
    nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, settings, std::size(settings));
    nghttp2_session_set_local_window_size(session, NGHTTP2_FLAG_NONE, 0, kLargestWindow);
    return Status::Ok();
  }

  // Writes what nghttp2 has to send.
  bool Flush(Clock::time_point deadline) {
    int produced = nghttp2_session_send(session);
    if (produced != 0) {
      failure = std::string("HTTP/2 failed: ") + nghttp2_strerror(produced);
      return false;
    }
    if (outgoing.empty()) return true;
    std::string why;
    bool written = socket.WriteAll({{outgoing.data(), outgoing.size()}}, deadline, &why);
    outgoing.clear();
    if (!written) failure = "sending to " + socket.Address() + " " + why;
    return written;
  }

  // Reads once and hands nghttp2 what arrived.
  bool ReadOnce(Clock::time_point deadline) {
    if (Clock::now() >= deadline) return Fail(NoAnswer());
    ssize_t got = socket.Receive(incoming.data(), incoming.size());
    if (got == 0 && calls == 0 && !any_byte) return Fail(NotHttp2("it closed the connection without answering"));
    if (got == 0) return Fail("the server at " + socket.Address() + " closed the connection");
    if (got < 0) {
      if (errno == EINTR) return true;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return Fail(NoAnswer());  // SO_RCVTIMEO passed
      return Fail("reading from " + socket.Address() + " failed: " + strerror(errno));
    }
    received_ns = NowNs();
    any_byte = true;
    ssize_t used = nghttp2_session_mem_recv(session, incoming.data(), static_cast<size_t>(got));
    if (used < 0) return Fail(NotHttp2(nghttp2_strerror(static_cast<int>(used))));
    return failure.empty();
  }

  std::string NotHttp2(const std::string& why) const {
    return "the server at " + socket.Address() + " does not speak gRPC's HTTP/2 (" + why + "); is it a gRPC port?";
  }

  std::string NoAnswer() const {
    return (answer_started ? "the answer from " : "no answer from ") + socket.Address() + " within " +
           socket.TimeoutText();
  }

  bool Fail(std::string message) {
    if (failure.empty()) failure = std::move(message);
    return false;
  }

  // One attempt; `*retry` tells whether it failed on a reused connection
  // before any of the answer arrived.
  Status Attempt(std::string_view path, Clock::time_point deadline, bool* retry) {
    *retry = false;
    failure.clear();
    if (!session || (!nghttp2_session_want_read(session) && !nghttp2_session_want_write(session))) {
      Close();
      if (Status status = Open(deadline); !status.ok()) return status;
    }
    const bool reused = calls > 0;
    stream = -1;
    closed = false;
    reset_code = 0;
    request_sent = 0;
    http_status = 0;
    has_grpc_status = false;
    any_byte = answer_started = false;
    const nghttp2_nv headers[] = {
        Header(":method", "POST"),         Header(":scheme", "http"),
        Header(":path", path),             Header(":authority", authority),
        Header("content-type", "application/grpc"), Header("te", "trailers"),
        Header("grpc-timeout", timeout_header),     Header("user-agent", "inferd-perf"),
    };
    nghttp2_data_provider body{};
    body.read_callback = &Impl::ReadRequest;
    stream = nghttp2_submit_request(session, nullptr, headers, std::size(headers), &body, this);
    if (stream < 0) {
      Close();
      return Status::Error(std::string("cannot start an HTTP/2 stream: ") + nghttp2_strerror(stream));
    }
    bool ok = Flush(deadline);
    if (ok) timing->written_ns = NowNs();
    while (ok && !closed) {
      ok = ReadOnce(deadline) && Flush(deadline);
      // A connection error (an HTTP/1.1 answer, say) ends the session once
      // its GOAWAY is sent.
      if (ok && !closed && !nghttp2_session_want_read(session)) ok = Fail(NotHttp2("its answer is not HTTP/2"));
    }
    if (!ok) {
      *retry = reused && !answer_started;
      Close();
      return Status::Error(failure);
    }
    timing->read_ns = NowNs();
    ++calls;
    return Finish();
  }

  // The reply from what the stream carried.
  Status Finish() {
    if (reset_code != NGHTTP2_NO_ERROR) {
      return Status::Error("the server at " + socket.Address() + " reset the call (HTTP/2 error " +
                           nghttp2_http2_strerror(reset_code) + ")");
    }
    if (!has_grpc_status) {
      return Status::Error("the answer from " + socket.Address() + " carries no grpc-status (HTTP status " +
                           std::to_string(http_status) + ")");
    }
    if (reply->status != 0) {
      reply->body.clear();
      return Status::Ok();
    }
    const std::string& body = reply->body;
    if (body.size() < kPrefixBytes) {
      return Status::Error("the answer from " + socket.Address() + " carries no message");
    }
    auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(body[i])); };
    uint32_t length = byte(1) << 24 | byte(2) << 16 | byte(3) << 8 | byte(4);
    if (byte(0) != 0) return Status::Error("the answer from " + socket.Address() + " is compressed");
    if (body.size() != kPrefixBytes + length) {
      return Status::Error("the answer from " + socket.Address() + " carries " + std::to_string(body.size()) +
                           " bytes for a message of " + std::to_string(length));
    }
    reply->body.erase(0, kPrefixBytes);
    return Status::Ok();
  }

  static Impl* Of(void* user) { return static_cast<Impl*>(user); }

  static ssize_t OnSend(nghttp2_session*, const uint8_t* data, size_t length, int, void* user) {
    Of(user)->outgoing.append(reinterpret_cast<const char*>(data), length);
    return static_cast<ssize_t>(length);
  }

  // Hands nghttp2 the next part of the request's DATA: the length prefix,
  // then the message.
  static ssize_t ReadRequest(nghttp2_session*, int32_t, uint8_t* buffer, size_t length, uint32_t* flags,
                             nghttp2_data_source*, void* user) {
    Impl* self = Of(user);
    size_t copied = 0;
    if (self->request_sent < kPrefixBytes) {
      copied = std::min(length, kPrefixBytes - self->request_sent);
      std::memcpy(buffer, self->prefix + self->request_sent, copied);
      self->request_sent += copied;
    }
    if (self->request_sent >= kPrefixBytes) {
      size_t offset = self->request_sent - kPrefixBytes;
      size_t n = std::min(length - copied, self->request.size() - offset);
      std::memcpy(buffer + copied, self->request.data() + offset, n);
      copied += n;
      self->request_sent += n;
    }
    if (self->request_sent == kPrefixBytes + self->request.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(copied);
  }

  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, size_t name_length,
                      const uint8_t* value, size_t value_length, uint8_t, void* user) {
    Impl* self = Of(user);
    if (frame->hd.stream_id != self->stream) return 0;
    if (!self->answer_started) self->timing->first_byte_ns = self->received_ns;
    self->answer_started = true;
    std::string_view key(reinterpret_cast<const char*>(name), name_length);
    std::string_view text(reinterpret_cast<const char*>(value), value_length);
    if (key == ":status") {
      std::from_chars(text.data(), text.data() + text.size(), self->http_status);
    } else if (key == "grpc-status") {
      self->has_grpc_status = true;
      std::from_chars(text.data(), text.data() + text.size(), self->reply->status);
    } else if (key == "grpc-message") {
      self->reply->message = PercentDecoded(text);
    }
    return 0;
  }

  static int OnData(nghttp2_session*, uint8_t, int32_t stream, const uint8_t* data, size_t length, void* user) {
    Impl* self = Of(user);
    if (stream == self->stream) self->reply->body.append(reinterpret_cast<const char*>(data), length);
    return 0;
  }

  static int OnFrame(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    Impl* self = Of(user);
    if (frame->hd.type == NGHTTP2_GOAWAY && frame->goaway.last_stream_id < self->stream) {
      self->Fail("the server at " + self->socket.Address() + " is going away (GOAWAY)");
    }
    return 0;
  }

  static int OnStreamClose(nghttp2_session*, int32_t stream, uint32_t code, void* user) {
    Impl* self = Of(user);
    if (stream == self->stream) {
      self->closed = true;
      self->reset_code = code;
    }
    return 0;
  }
};

GrpcChannel::GrpcChannel(std::string host, std::string port, SocketSettings settings)
    : impl_(std::make_unique<Impl>(std::move(host), std::move(port), settings)) {}

GrpcChannel::~GrpcChannel() = default;

std::string GrpcChannel::Address() const { return impl_->socket.Address(); }

Status GrpcChannel::Call(std::string_view path, std::string_view request, GrpcReply* reply,
                         HttpExchangeTiming* timing) {
  HttpExchangeTiming ignored;
  if (!timing) timing = &ignored;
  Impl& impl = *impl_;
  impl.request = request;
  impl.reply = reply;
  impl.timing = timing;
  auto length = static_cast<uint32_t>(request.size());
  impl.prefix[0] = 0;
  for (int i = 0; i < 4; ++i) impl.prefix[1 + i] = static_cast<char>(length >> (24 - 8 * i));
  Status status;
  for (int attempt = 0; attempt < 2; ++attempt) {
    *reply = GrpcReply();
    bool retry = false;
    status = impl.Attempt(path, Clock::now() + impl.socket.timeout(), &retry);
    if (status.ok() || !retry) break;
  }
  return status;
}

}  // namespace inferd::perf
