#include "services/common/log.h"

#include <cstdlib>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace pqtrack {
namespace {

// The lines written, gathered per stream. An info line waits for the writer
// thread, which writes everything gathered by the time it runs in one write
// and flush: a busy server makes one write (and wakes its collector once)
// for many calls instead of one each, and an idle one writes each line as
// it comes. A warning or an error is written at once, after the lines that
// wait before it, by the thread that logs it. Never destroyed: the writer
// thread runs until the process ends, and FlushLog runs at exit.
class Writer {
 public:
  static Writer& Get() {
    static Writer* w = [] {
      auto* created = new Writer;
      std::atexit([] { Get().FlushAll(); });
      return created;
    }();
    return *w;
  }

  void Add(FILE* out, const std::string& line, bool at_once) {
    if (!at_once) {
      absl::MutexLock lock(&mu_);
      std::string& buffer = Buffer(out);
      // Past the bound (the stream blocks: a stalled collector), the
      // logging thread writes itself and waits, as a direct write would.
      if (buffer.size() < kMostWaiting) {
        // pending_ holds only streams with lines waiting: an empty buffer
        // is a new entry, and the writer may be waiting for one.
        const bool was_empty = buffer.empty();
        buffer.append(line);
        if (was_empty) ready_.Signal();
        return;
      }
    }
    absl::MutexLock write(&write_mu_);
    std::vector<Pending> batch;
    {
      absl::MutexLock lock(&mu_);
      Buffer(out).append(line);
      batch.swap(pending_);
    }
    WriteOut(batch);
  }

  void FlushAll() {
    absl::MutexLock write(&write_mu_);
    std::vector<Pending> batch;
    {
      absl::MutexLock lock(&mu_);
      batch.swap(pending_);
    }
    WriteOut(batch);
  }

 private:
  static constexpr size_t kMostWaiting = 1 << 20;  // bytes a stream

  struct Pending {
    FILE* out;
    std::string text;
  };

  Writer() {
    std::thread([this] { Run(); }).detach();
  }

  std::string& Buffer(FILE* out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (Pending& p : pending_) {
      if (p.out == out) return p.text;
    }
    pending_.push_back({out, ""});
    return pending_.back().text;
  }

  [[noreturn]] void Run() {
    for (;;) {
      {
        absl::MutexLock lock(&mu_);
        while (pending_.empty()) ready_.Wait(&mu_);
      }
      FlushAll();
    }
  }

  static void WriteOut(const std::vector<Pending>& batch) {
    for (const Pending& p : batch) {
      std::fwrite(p.text.data(), 1, p.text.size(), p.out);
      std::fflush(p.out);
    }
  }

  // Held while lines are written, so that batches keep their order.
  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  absl::Mutex mu_;
  absl::CondVar ready_;
  std::vector<Pending> pending_ ABSL_GUARDED_BY(mu_);
};

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
  Writer::Get().Add(out, LogLine(absl::Now(), level, msg, fields) + "\n",
                    level != LogLevel::kInfo);
}

void FlushLog() { Writer::Get().FlushAll(); }

}  // namespace pqtrack
