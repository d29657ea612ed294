#include "services/common/log.h"

#include <string>

#include "absl/base/const_init.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace pqtrack {
namespace {

absl::Mutex write_mu(absl::kConstInit);

}  // namespace

absl::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "error";
}

std::string LogLine(absl::Time now, LogLevel level, absl::string_view msg,
                    const JsonObject& fields) {
  JsonObject head;
  head.Add("time",
           absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone()))
      .Add("level", LogLevelName(level));
  if (!msg.empty()) head.Add("msg", msg);
  return head.Merge(fields).Build();
}

void WriteLog(LogLevel level, absl::string_view msg, const JsonObject& fields,
              FILE* out) {
  const std::string text = LogLine(absl::Now(), level, msg, fields) + "\n";
  absl::MutexLock lock(&write_mu);
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
}

}  // namespace pqtrack
