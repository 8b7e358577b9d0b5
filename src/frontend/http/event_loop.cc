#include "frontend/http/event_loop.h"

namespace inferd {

void RunEventLoop(boost::asio::io_context& io, BusyPolling* polling, std::chrono::microseconds window) {
  BusyPoller poller(polling, window, [&io] { return io.poll() > 0; });
  while (io.run_one() > 0) poller.AfterWork();
}

}  // namespace inferd
