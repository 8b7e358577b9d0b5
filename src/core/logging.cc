#include "core/logging.h"

#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>

namespace inferd {

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
  tm local;
  localtime_r(&now.tv_sec, &local);
  const char* base = std::strrchr(file, '/');
  base = base ? base + 1 : file;
  char prefix[128];
  std::snprintf(prefix, sizeof(prefix), "%c%02d%02d %02d:%02d:%02d.%06ld %ld %s:%d] ",
                kLetters[static_cast<int>(severity)], local.tm_mon + 1, local.tm_mday,
                local.tm_hour, local.tm_min, local.tm_sec, static_cast<long>(now.tv_usec),
                static_cast<long>(syscall(SYS_gettid)), base, line);
  std::lock_guard<std::mutex> lock(mutex);
  std::fputs(prefix, stderr);
  std::fwrite(message.data(), 1, message.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace inferd
