// Provides the CSV form of items, shared by ImportItems and ExportItems so
// that an export re-imports as it is: one column set per kind (see
// CsvColumns), dates as YYYY-MM-DD, lists separated by ';', and the
// historical columns (due date, answer, outcome) that let a ministry load
// its existing register with its past. Parsing checks every cell and the
// item's own rules and reports each violation by line and column;
// references to stored objects (units, batches, sessions) are the store's
// to check.
#ifndef PQTRACK_SERVICES_CORE_ITEM_CSV_H_
#define PQTRACK_SERVICES_CORE_ITEM_CSV_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/csv.h"
#include "services/core/types.h"
#include "services/core/workflow.h"

namespace pqtrack::core {

// One data row of an import: the item and, for an item already answered,
// its answer.
struct ImportRow {
  int line = 0;
  Item item;
  std::optional<Answer> answer;
  // Whether every cell parsed and the item's own rules hold.
  bool valid = false;
};

// Why a row was refused: its line, the column (empty for the row as a
// whole) and the rule.
struct RowError {
  int line = 0;
  std::string column;
  std::string rule;
};

// Every column of `kind`, in the order exports write them. "id" and
// "status" are written by exports and ignored by imports.
std::vector<std::string> CsvColumns(ItemKind kind);

// The column a validation field is read from: "petition.batch_id" →
// "batch_id", "answer.sent_on" → "answered_on".
std::string ColumnOf(absl::string_view field);

// A checked header row.
class CsvLayout {
 public:
  // INVALID_ARGUMENT naming a column that is unknown for the kind, given
  // twice, or required and missing.
  static absl::StatusOr<CsvLayout> Read(ItemKind kind,
                                        const std::vector<std::string>& header);

  // Reads one record into `out`, appending a RowError per violation (cells
  // that do not parse, and ValidateItem / ValidateAnswer rules with `today`
  // the ministry's date). Returns whether the row is valid.
  bool Parse(const CsvRecord& record, Day today, ImportRow* out,
             std::vector<RowError>* errors) const;

  ItemKind kind() const { return kind_; }

 private:
  std::string Cell(const CsvRecord& r, absl::string_view column) const;

  ItemKind kind_ = ItemKind::kUnspecified;
  size_t width_ = 0;
  absl::flat_hash_map<std::string, size_t> index_;
};

// An item (and its latest answer) as a record in CsvColumns(kind) order.
std::vector<std::string> CsvFields(const Item& item,
                                   const std::optional<Answer>& answer);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_ITEM_CSV_H_
