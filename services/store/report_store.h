// Provides ReportStore: the figures of the reports, read as of a date (see
// proto/pqtrack/v1/report.proto for what "as of" means). Each report runs
// in one transaction: the items' state as of the date goes into a
// temporary table, and every figure is an aggregate over it. Thread-safe
// (through Db).
#ifndef PQTRACK_SERVICES_STORE_REPORT_STORE_H_
#define PQTRACK_SERVICES_STORE_REPORT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
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
  int docs_received = 0, docs_needing = 0, docs_answered = 0, docs_on_time = 0,
      docs_not_yet_due = 0, docs_overdue = 0;
  int tasks_assigned = 0, tasks_completed = 0;
  int questions_received = 0, questions_answered = 0;
  struct Unit {
    std::string code, name;
    int needing = 0, answered = 0, on_time = 0, overdue = 0;
  };
  // Directly under the report's unit (or the ministry's root).
  std::vector<Unit> units;
  struct Week {
    absl::CivilDay monday;
    int open = 0;
  };
  std::vector<Week> due_weeks;
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

class ReportStore {
 public:
  // `db` must outlive this object.
  explicit ReportStore(Db* db) : db_(*db) {}

  // INVALID_ARGUMENT when unit_code names no unit.
  absl::StatusOr<PeriodFigures> Period(const PeriodQuery& q);

 private:
  Db& db_;
};

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_REPORT_STORE_H_
