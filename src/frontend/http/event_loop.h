// RunEventLoop: runs one io_context on the calling thread until it stops,
// polling it for a short while after each burst of work instead of going to
// sleep at once (the policy and its reasons: frontend/busy_polling.h).
#pragma once

#include <chrono>

#include <boost/asio/io_context.hpp>

#include "frontend/busy_polling.h"

namespace inferd {

void RunEventLoop(boost::asio::io_context& io, BusyPolling* polling, std::chrono::microseconds window);

}  // namespace inferd
