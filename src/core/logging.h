// Logging in tritonserver's formats:
//   I1124 21:32:00.123456 4242 model_manager.cc:87] successfully loaded 'simple'
// severity letter, month and day, time with microseconds, thread id, file:line
// (--log-format=default), or with --log-format=ISO8601
//   2026-11-24T21:32:00Z I 4242 model_manager.cc:87] successfully loaded 'simple'
// Lines go to stderr, or to the file --log-file names.
//
// Thread-safe: each line is written with one call under a lock. Settings are
// set at start-up, may change later through the logging extension
// (core/log_settings_change.h), and are read without locks.
#pragma once

#include <atomic>
#include <sstream>
#include <string>

namespace inferd {

enum class LogSeverity { kInfo, kWarning, kError, kVerbose };

struct LogSettings {
  std::atomic<bool> info{true};
  std::atomic<bool> warning{true};
  std::atomic<bool> error{true};
  std::atomic<int> verbose_level{0};
  std::atomic<bool> iso8601{false};  // --log-format=ISO8601
  std::string file;                  // --log-file; set once at start-up, before any thread reads it
};

LogSettings& GlobalLogSettings();

bool LogEnabled(LogSeverity severity, int verbose_level = 0);

// Sends every later line to the file at `path` (appended to) instead of
// stderr; call once at start-up. False with errno set when it cannot be opened.
bool SetLogFile(const std::string& path);

// Writes one finished line to stderr or the log file.
void WriteLogLine(LogSeverity severity, const char* file, int line, const std::string& message);

// Collects a message with << and writes it when destroyed.
class LogMessage {
 public:
  LogMessage(LogSeverity severity, const char* file, int line)
      : severity_(severity), file_(file), line_(line) {}
  ~LogMessage() { WriteLogLine(severity_, file_, line_, stream_.str()); }
  std::ostream& stream() { return stream_; }

 private:
  LogSeverity severity_;
  const char* file_;
  int line_;
  std::ostringstream stream_;
};

// Turns the streamed expression into void so the macro is one expression
// (safe inside an unbraced if/else).
struct LogVoidify {
  void operator&(std::ostream&) {}
};

}  // namespace inferd

#define INFERD_LOG(severity, level)                                     \
  !::inferd::LogEnabled(::inferd::LogSeverity::severity, level)         \
      ? (void)0                                                         \
      : ::inferd::LogVoidify() &                                        \
            ::inferd::LogMessage(::inferd::LogSeverity::severity, __FILE__, __LINE__).stream()

#define LOG_INFO INFERD_LOG(kInfo, 0)
#define LOG_WARNING INFERD_LOG(kWarning, 0)
#define LOG_ERROR INFERD_LOG(kError, 0)
#define LOG_VERBOSE(level) INFERD_LOG(kVerbose, level)
