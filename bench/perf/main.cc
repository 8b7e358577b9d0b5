// inferd-perf: a load generator for any KServe v2 server.
//
// Reads the model's metadata, prepares the inputs, then for each load level
// of the sweep (a concurrency or a request rate) warms up, measures until
// stable and prints one row. Progress goes to stderr, the table to stdout,
// and -f / --json-output write CSV and JSON. Exit status: 0 on success, 1
// when the server could not be used or requests failed, 2 on usage errors.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "perf/concurrency_load.h"
#include "perf/measurement.h"
#include "perf/options.h"
#include "perf/report.h"
#include "perf/request_rate_load.h"
#include "perf/shared_memory_client.h"

namespace {

using namespace inferd::perf;

void Progress(const std::string& line) { std::cerr << line << std::endl; }

int Fail(const std::string& message) {
  std::cerr << "inferd-perf: error: " << message << std::endl;
  return 1;
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (file) return true;
  std::cerr << "inferd-perf: error: cannot write '" << path << "'" << std::endl;
  return false;
}

int Run(const PerfOptions& options) {
  const ClientOptions& client = options.client;
  const bool grpc = client.protocol == Protocol::kGrpc;
  std::unique_ptr<ServerClient> server = MakeServerClient(client);

  std::vector<std::string> extensions;
  Status status = server->ServerExtensions(&extensions);
  if (!status.ok()) return Fail("cannot get the server's metadata: " + status.message());
  ModelInfo model;
  status = server->GetModelInfo(&model);
  if (!status.ok()) return Fail(status.message());
  std::vector<InferPayload> payloads;
  status = LoadInputData(model, options.input, &payloads);
  if (!status.ok()) return Fail(status.message());
  const bool rate = options.mode == LoadMode::kRequestRate;
  if (options.system_shared_memory) {
    if (std::find(extensions.begin(), extensions.end(), "system_shared_memory") == extensions.end()) {
      return Fail("--shared-memory system: the server does not list the system_shared_memory extension");
    }
    std::vector<double> levels = options.range.Levels();
    size_t workers = rate ? static_cast<size_t>(options.max_threads)
                          : static_cast<size_t>(*std::max_element(levels.begin(), levels.end()));
    auto shared = std::make_unique<SharedMemoryServerClient>(std::move(server), model.outputs,
                                                             options.output_shared_memory_size);
    status = shared->Prepare(&payloads, workers);
    server = std::move(shared);  // unregisters what was registered, whatever happens next
    if (!status.ok()) return Fail("--shared-memory system: " + status.message());
  }

  MeasureOptions measure = options.measure;
  measure.server_stats = std::find(extensions.begin(), extensions.end(), "statistics") != extensions.end();
  std::unique_ptr<LoadGenerator> load;
  if (rate) {
    load = std::make_unique<RequestRateLoad>(server.get(), &payloads, options.distribution,
                                             static_cast<size_t>(options.max_threads));
  } else {
    load = std::make_unique<ConcurrencyLoad>(server.get(), &payloads);
  }

  RunDescription run;
  run.model = model.name;
  run.version = model.version;
  run.protocol = grpc ? "grpc" : "http";
  run.url = client.host + ":" + client.port;
  run.mode = options.mode;
  run.batch_size = options.input.batch_size;
  run.measurement_interval_ms = measure.interval_ms;
  Progress("inferd-perf: model '" + model.name + "' over " + run.protocol + " at " + run.url + ", batch " +
           std::to_string(run.batch_size) + ", " +
           (options.system_shared_memory ? "system shared memory" : client.json_inputs ? "JSON" : "binary") +
           " inputs, windows of " +
           std::to_string(measure.interval_ms) + " ms" +
           (measure.server_stats ? "" : "; the server offers no statistics extension"));

  std::vector<ReportRow> rows;
  for (double level : options.range.Levels()) {
    char name[64];
    std::snprintf(name, sizeof(name), rate ? "request rate %g/s" : "concurrency %.0f", level);
    Progress(std::string(name) + ": warm-up " + std::to_string(measure.warmup_ms) + " ms");
    LevelResult result = MeasureLevel(load.get(), server.get(), level, measure, Progress);
    if (result.trials > 0) rows.push_back(MakeRow(result));
    if (!result.first_error.empty()) {
      run.error = std::string("requests failed at ") + name + ": " + result.first_error;
      break;
    }
    if (!result.stable) {
      Progress("  not stable after " + std::to_string(result.trials) +
               " windows; reporting the last ones (try a longer --measurement-interval)");
    }
  }

  if (!rows.empty()) std::cout << TableReport(rows, options.mode) << std::flush;
  bool written = true;
  if (!options.csv_file.empty()) written = WriteFile(options.csv_file, CsvReport(rows, options.mode)) && written;
  if (!options.json_file.empty()) written = WriteFile(options.json_file, JsonReport(run, rows)) && written;
  if (!run.error.empty()) return Fail(run.error);
  return written ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  PerfOptions options;
  switch (ParsePerfOptions(argc, argv, &options)) {
    case ParseOutcome::kExitSuccess:
      return 0;
    case ParseOutcome::kUsageError:
      return 2;
    case ParseOutcome::kRun:
      break;
  }
  return Run(options);
}
