// One client connection of the HTTP server.
//
// Requests are parsed with Beast's parser, fed from plain non-blocking reads on
// the socket; replies go out with one sendmsg of all their pieces. The event
// loop is asked to wait only when the socket has nothing to read or no room to
// write. So a request that arrives whole is taken in with one read, and its
// reply, when the handler answers inline and the socket has room, goes out with
// one write before the handler returns, without a trip through the loop's queue.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdint>

#include "frontend/busy_polling.h"
#include "frontend/http/http_message.h"
#include "frontend/http/http_server.h"

namespace inferd {

// What all connections of one server share; outlives them.
struct HttpConnectionContext {
  const HttpServerOptions* options;
  HttpHandler* handler;
  // Requests taken and not yet answered, across the server's connections, so
  // Stop can let their replies go out first.
  std::atomic<int64_t>* answering;
  BusyPolling* polling;  // counts them too, with the other frontends'
};

// Serves `socket` until the client leaves or an error closes it. The
// connection keeps itself alive while the socket's event loop runs.
void StartHttpConnection(boost::asio::ip::tcp::socket socket, const HttpConnectionContext& context);

}  // namespace inferd
