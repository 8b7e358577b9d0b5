// RunEventLoop: runs one io_context on the calling thread until it stops,
// polling it for a short while after each burst of work instead of going to
// sleep at once.
//
// Why: a thread that sleeps in epoll_wait and is woken by the next request
// costs a wake-up of tens of microseconds on virtual machines, where an idle
// vCPU halts: half of a small model's round trip at concurrency 1. Polling is
// bounded so that it only runs while it pays:
//  - one thread of the server polls at a time;
//  - only while no request is being answered anywhere in the server (under
//    load the cores are better used by the threads doing that work);
//  - a poll that found nothing makes this thread skip its next polls, more of
//    them after each miss, so requests arriving on other threads' connections
//    do not keep it spinning for nothing.
// The thread yields the core on every empty poll.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include <boost/asio/io_context.hpp>

namespace inferd {

struct BusyPolling {
  std::chrono::microseconds window{0};  // 0: sleep as soon as there is no work
  std::atomic<int> pollers{0};          // threads polling now, at most one
  const std::atomic<int64_t>* answering = nullptr;  // requests being answered server-wide
};

void RunEventLoop(boost::asio::io_context& io, BusyPolling& polling);

}  // namespace inferd
