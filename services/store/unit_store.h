// Provides UnitStore: the organisation tree in PostgreSQL. Each method is one
// transaction. Thread-safe (through Db).
#ifndef PQTRACK_SERVICES_STORE_UNIT_STORE_H_
#define PQTRACK_SERVICES_STORE_UNIT_STORE_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/core/types.h"
#include "services/store/db.h"

namespace pqtrack::store {

class UnitStore {
 public:
  // `db` must outlive this object.
  explicit UnitStore(Db* db) : db_(*db) {}

  // ALREADY_EXISTS when the code is taken; INVALID_ARGUMENT naming the field
  // when the parent or successor does not exist, or the parent is an
  // external agency while the unit is not.
  absl::StatusOr<core::Unit> CreateUnit(const core::Unit& unit, absl::Time now);

  // Loads the unit, lets `change` modify it (and validate: a non-OK status
  // from it is returned and nothing is written), then stores it. NOT_FOUND
  // for an unknown code; INVALID_ARGUMENT when the new parent is the unit's
  // own descendant or the references do not exist.
  absl::StatusOr<core::Unit> UpdateUnit(
      const std::string& code,
      absl::FunctionRef<absl::Status(core::Unit&)> change, absl::Time now);

  // Units in tree order. `root_code` empty: the whole forest. Units whose
  // valid_to is before `today` are left out unless `include_expired`.
  // NOT_FOUND when root_code names no unit.
  absl::StatusOr<std::vector<core::Unit>> ListUnits(
      const std::string& root_code, bool include_expired, absl::CivilDay today);

  // NOT_FOUND for an unknown code.
  absl::StatusOr<core::Unit> GetUnit(const std::string& code);

 private:
  Db& db_;
};

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_UNIT_STORE_H_
