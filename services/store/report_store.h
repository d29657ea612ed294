// Provides ReportStore: the figures of the reports, read as of a date (see
// proto/pqtrack/v1/report.proto for what "as of" means) from each item's
// interval of the state history (item_states, migration 0014). Each report
// runs in one transaction. The period and timeliness reports read their
// items grouped in one statement each and core::SumPeriod /
// core::SumTimeliness make the figures (medians and percentiles too); the
// session report puts the items as of the date in a temporary table and
// reads them one by one for core. Thread-safe (through Db).
#ifndef PQTRACK_SERVICES_STORE_REPORT_STORE_H_
#define PQTRACK_SERVICES_STORE_REPORT_STORE_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/core/reports.h"
#include "services/store/db.h"

namespace pqtrack::store {

struct PeriodQuery {
  absl::CivilDay from, to, as_of;
  // The end of day as_of in the ministry's time zone.
  absl::Time as_of_end;
  // Empty: the whole ministry.
  std::string unit_code;
};

struct PeriodFigures {
  // Summed by core::SumPeriod; its units are those directly under the
  // report's unit (or the ministry's root).
  core::PeriodTotals totals;
  // The names of those units.
  std::map<std::string, std::string> unit_names;
  struct Batch {
    int64_t id = 0;
    std::string phase;
    absl::CivilDay received_on;
    int petitions = 0, answered = 0;
  };
  struct Session {
    int64_t id = 0;
    std::string term_code;
    int number = 0;
    absl::CivilDay opens_on;
    std::vector<Batch> batches;
  };
  std::vector<Session> sessions;
  std::string unit_name;
};

struct TimelinessFigures {
  struct Row {
    std::string unit_code, unit_name, kind;
    core::TimelinessCounts counts;
  };
  std::vector<Row> rows;
  Row total;
};

struct SessionQuery {
  int64_t session_id = 0;  // or
  int64_t batch_id = 0;
  absl::CivilDay as_of;
  absl::Time as_of_end;
  std::string unit_code;
};

struct SessionFigures {
  int64_t session_id = 0;
  std::string term_code;
  int number = 0;
  // This session's petitions (of the batch, when one was asked for).
  std::vector<core::SessionPetition> petitions;
  // Earlier regular sessions' petitions whose latest answer is
  // IN_RESOLUTION.
  std::vector<core::SessionPetition> carried_over;
  std::optional<absl::CivilDay> next_session_opens;
};

class ReportStore {
 public:
  // `db` must outlive this object.
  explicit ReportStore(Db* db) : db_(*db) {}

  // INVALID_ARGUMENT when unit_code names no unit.
  absl::StatusOr<PeriodFigures> Period(const PeriodQuery& q);
  // Per unit directly under q.unit_code (or the ministry's top unit) and
  // kind, and in total.
  absl::StatusOr<TimelinessFigures> Timeliness(const PeriodQuery& q);
  // NOT_FOUND for an unknown session or batch.
  absl::StatusOr<SessionFigures> Session(const SessionQuery& q);

 private:
  Db& db_;
};

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_REPORT_STORE_H_
