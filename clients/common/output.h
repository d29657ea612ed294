// Provides client output: aligned tables whose columns are measured in
// terminal columns (so Vietnamese text lines up), key/value blocks, JSON of
// any response message, and the one way errors are printed.
#ifndef PQTRACK_CLIENTS_COMMON_OUTPUT_H_
#define PQTRACK_CLIENTS_COMMON_OUTPUT_H_

#include <grpcpp/support/status.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "pqtrack/v1/common.pb.h"

namespace pqtrack::client {

enum class OutputFormat { kTable, kJson };

class Table {
 public:
  explicit Table(std::vector<std::string> headers)
      : headers_(std::move(headers)) {}
  // A row with as many cells as headers (missing cells print empty).
  // `colour`: an ANSI SGR code ("31" red, "1;33" bold yellow) for the whole
  // line; empty prints it plain.
  void AddRow(std::vector<std::string> cells, std::string colour = "");
  // Cells wider than `max_width` columns are cut with "…" (0: no limit).
  void SetMaxWidth(size_t column, int max_width);
  void Print(std::ostream& out) const;
  size_t size() const { return rows_.size(); }

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::string> colours_;
  std::vector<int> max_widths_;
};

// Prints "key: value" lines with the values aligned; empty values skipped.
void PrintFields(std::ostream& out,
                 const std::vector<std::pair<std::string, std::string>>& kv);

// `message` as JSON fit for jq: proto field names; every plain field with
// its default, message fields and oneof members only when set; integers
// (int64 ids too) as numbers; enums by name without their prefix
// ("IN_PROGRESS"); dates as "2024-11-02" (null when unset); instants as
// RFC 3339 in UTC. `pretty` indents by two spaces, else one line.
std::string ToJson(const google::protobuf::Message& message, bool pretty);

// Prints ToJson(message, pretty) and a newline.
void PrintJson(std::ostream& out, const google::protobuf::Message& message);

// "YYYY-MM-DD", or "" for an unset date.
std::string FormatDate(const v1::Date& d);

// The zone instants are shown in: $TZ when it names a zone this machine
// knows, else Asia/Ho_Chi_Minh, the ministry's.
absl::TimeZone DisplayTimeZone();

// An instant in DisplayTimeZone, labelled with the zone:
// "2024-11-02 09:00 +07"; "" for an unset one. `seconds` adds ":SS".
std::string FormatInstant(const google::protobuf::Timestamp& t,
                          bool seconds = false);

// The name of enum value `value` without its enum's own prefix
// (ITEM_STATUS_ for ItemStatus): "IN_PROGRESS", "PETITION".
std::string EnumLabel(const google::protobuf::EnumDescriptor* d, int value);

// Prints "error: CODE: message" to stderr and returns the exit code 1.
int PrintError(const grpc::Status& status);

// PrintError, then what to do next where the cause is plain: the server
// not reached at `server`, no token given (`had_token` false) or one
// refused, no answer in time.
int PrintCallError(const grpc::Status& status, const std::string& server,
                   bool had_token);

}  // namespace pqtrack::client

#endif  // PQTRACK_CLIENTS_COMMON_OUTPUT_H_
