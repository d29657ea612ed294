// Provides ImportStore: bulk loading of items (ImportItems) and the answers
// exports carry. An import checks every row's references first (units on
// the day received, batches, sessions, external references already taken
// or repeated in the file) and then writes the good rows with COPY in one
// transaction: items, coordinating units, historical answers, an IMPORTED
// event per item (hash-chained like every event), and the alert ladder of
// each open item (levels whose time has passed are recorded as skipped,
// core::PassedLevels::kSkipAll, so an old register does not fire a burst
// of stale alerts). Routing rules
// and deadline rules apply as for recorded items. Thread-safe (through Db).
#ifndef PQTRACK_SERVICES_STORE_IMPORT_STORE_H_
#define PQTRACK_SERVICES_STORE_IMPORT_STORE_H_

#include <functional>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/core/item_csv.h"
#include "services/store/db.h"

namespace pqtrack::store {

class ImportStore {
 public:
  // `db` must outlive this object.
  explicit ImportStore(Db* db) : db_(*db) {}

  // How far an import is: its rows go through each phase in turn.
  enum class Phase {
    kParsing,   // cells read and checked (by the caller, before Import)
    kChecking,  // references checked, rows routed
    kWriting,   // rows made ready for COPY; `done` == `rows` while the
                // COPY and the events run
  };
  // Told `done` of `rows` rows are through `phase`; called often (once a
  // row), so it should be cheap.
  using Progress = std::function<void(Phase phase, int done, int rows)>;

  struct Options {
    // Write the good rows even when some are bad.
    bool skip_invalid = false;
    // Check everything, write nothing.
    bool dry_run = false;
    // Told how far the import is; may be empty.
    Progress progress;
  };
  struct Result {
    // Every refused row's reasons, by line (parse errors given in, and the
    // references found wrong here).
    std::vector<core::RowError> errors;
    // Ids of the items written, in row order (empty when nothing was).
    std::vector<int64_t> item_ids;
  };

  // Imports `rows` for `actor`. Rows that did not parse (valid false) are
  // still checked for references, so each row's problems come together;
  // `errors` holds their parse errors. Nothing is written when any row is
  // bad and !skip_invalid, or on a dry run.
  absl::StatusOr<Result> Import(int64_t actor,
                                std::vector<core::ImportRow> rows,
                                std::vector<core::RowError> errors,
                                const Options& options, absl::Time now);

  // The latest answer of each of `item_ids` that has one.
  absl::StatusOr<absl::flat_hash_map<int64_t, core::Answer>> LatestAnswers(
      const std::vector<int64_t>& item_ids);

 private:
  Db& db_;
};

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_IMPORT_STORE_H_
