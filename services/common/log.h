// Provides the structured log every pqtrack daemon writes (pqtrack-server,
// pqtrack-web, pqtrack-notify): one JSON object a line on stderr,
//
//   {"time":"2026-12-04T09:15:02.120Z","level":"info","msg":"...", ...}
//
// time in UTC with milliseconds, level "info", "warning" or "error", an
// optional human sentence `msg`, then the entry's own fields (rpc, user,
// status, latency_ms, request_id, alert_id, ...). Lines are written whole
// and flushed, so threads never interleave. An info line is written by a
// writer thread, with every other line gathered by then, in one write: as it
// comes when the daemon is idle, and a busy server does not pay a write (nor
// wake its collector: journald, docker logs, Loki) per call. A warning or an
// error is written at once, after the lines logged before it. Waiting lines
// are written at exit; a process killed outright loses those of its last
// moment, never a warning or an error.
//
// Command-line mistakes a program reports before it starts (exit 2) are not
// log entries: they stay plain sentences for the person who typed them.
//
// Thread-safe.
#ifndef PQTRACK_SERVICES_COMMON_LOG_H_
#define PQTRACK_SERVICES_COMMON_LOG_H_

#include <cstdio>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/json.h"

namespace pqtrack {

enum class LogLevel { kInfo, kWarning, kError };

absl::string_view LogLevelName(LogLevel level);

// The line (no newline) of an entry written at `now`; `msg` left out when
// empty.
std::string LogLine(absl::Time now, LogLevel level, absl::string_view msg,
                    const JsonObject& fields);

// Writes the entry, stamped now, to `out` (stderr unless told). A stream
// other than stderr must stay open until FlushLog has run.
void WriteLog(LogLevel level, absl::string_view msg,
              const JsonObject& fields = JsonObject(), FILE* out = stderr);

// Writes every line still waiting (also done at exit).
void FlushLog();

}  // namespace pqtrack

#endif  // PQTRACK_SERVICES_COMMON_LOG_H_
