// The protocol-neutral view of a KServe v2 server the load generator needs:
// metadata, statistics, and inference clients with their own connections.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "perf/model_info.h"
#include "perf/server_stats.h"
#include "perf/status.h"
#include "perf/tcp_socket.h"

namespace inferd::perf {

enum class Protocol { kHttp, kGrpc };

struct ClientOptions {
  Protocol protocol = Protocol::kHttp;
  std::string host = "localhost";
  std::string port = "8000";
  SocketSettings socket;
  std::string model;
  std::string version;      // "" = the server's choice
  bool json_inputs = false;   // HTTP only: tensors as JSON "data"
  bool json_outputs = false;  // HTTP only: ask for outputs as JSON "data"
};

// Steady-clock nanoseconds of one request. `send_ns` is the time spent
// building and writing the request, `recv_ns` the time spent reading and
// checking the response once it began to arrive.
struct RequestTiming {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  int64_t send_ns = 0;
  int64_t recv_ns = 0;
};

// One connection sending one request at a time. Not thread-safe: each
// worker owns its own.
class InferClient {
 public:
  virtual ~InferClient() = default;
  // Sends one inference of `payload` and waits for the complete response, at
  // most the timeout. An error reply, a broken connection or a malformed
  // response are errors; `timing` is filled in every case.
  virtual Status Infer(const InferPayload& payload, RequestTiming* timing) = 0;
  // From now on, asks for these outputs in shared memory instead of in the
  // response (--shared-memory).
  virtual void UseSharedMemoryOutputs(std::vector<SharedMemoryOutput> outputs) = 0;
};

// Control calls on a connection of their own. Not thread-safe.
class ServerClient {
 public:
  virtual ~ServerClient() = default;
  virtual Status ServerExtensions(std::vector<std::string>* extensions) = 0;
  // Metadata and configuration of the model the options name.
  virtual Status GetModelInfo(ModelInfo* model) = 0;
  virtual Status GetModelStats(ModelStatsSnapshot* snapshot) = 0;
  // A new inference client with a connection of its own.
  virtual std::unique_ptr<InferClient> NewInferClient() = 0;
  // The system shared memory extension: registers the POSIX shared memory
  // object `key` ("/name") as region `name`, or unregisters a region.
  virtual Status RegisterSystemSharedMemory(const std::string& name, const std::string& key, size_t byte_size) = 0;
  virtual Status UnregisterSystemSharedMemory(const std::string& name) = 0;
};

std::unique_ptr<ServerClient> MakeServerClient(const ClientOptions& options);

}  // namespace inferd::perf
