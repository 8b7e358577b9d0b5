#include "core/logging.h"

#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>

namespace inferd {

namespace {

std::FILE* log_sink = nullptr;  // null: stderr

}  // namespace

bool SetLogFile(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (!file) return false;
  log_sink = file;
  GlobalLogSettings().file = path;
  return true;
}

LogSettings& GlobalLogSettings() {
  static LogSettings settings;
  return settings;
}

bool LogEnabled(LogSeverity severity, int verbose_level) {
  const LogSettings& s = GlobalLogSettings();
  switch (severity) {
    case LogSeverity::kInfo: return s.info;
    case LogSeverity::kWarning: return s.warning;
    case LogSeverity::kError: return s.error;
    case LogSeverity::kVerbose: return s.verbose_level >= verbose_level;
  }
  return false;
}

void WriteLogLine(LogSeverity severity, const char* file, int line, const std::string& message) {
  static std::mutex mutex;
  static const char kLetters[] = {'I', 'W', 'E', 'I'};
  timeval now;
  gettimeofday(&now, nullptr);
  const char* base = std::strrchr(file, '/');
  base = base ? base + 1 : file;
  const char letter = kLetters[static_cast<int>(severity)];
  const long thread = static_cast<long>(syscall(SYS_gettid));
  char prefix[160];
  if (GlobalLogSettings().iso8601) {
    tm utc;
    gmtime_r(&now.tv_sec, &utc);
    std::snprintf(prefix, sizeof(prefix), "%04d-%02d-%02dT%02d:%02d:%02dZ %c %ld %s:%d] ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, letter, thread, base, line);
  } else {
    tm local;
    localtime_r(&now.tv_sec, &local);
    std::snprintf(prefix, sizeof(prefix), "%c%02d%02d %02d:%02d:%02d.%06ld %ld %s:%d] ", letter, local.tm_mon + 1,
                  local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec, static_cast<long>(now.tv_usec), thread,
                  base, line);
  }
  std::FILE* out = log_sink ? log_sink : stderr;
  std::lock_guard<std::mutex> lock(mutex);
  std::fputs(prefix, out);
  std::fwrite(message.data(), 1, message.size(), out);
  std::fputc('\n', out);
  std::fflush(out);
}

}  // namespace inferd
