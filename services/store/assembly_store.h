// Provides AssemblyStore: terms, sessions and batches in PostgreSQL. Each
// method is one transaction. Thread-safe (through Db).
#ifndef PQTRACK_SERVICES_STORE_ASSEMBLY_STORE_H_
#define PQTRACK_SERVICES_STORE_ASSEMBLY_STORE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/core/types.h"
#include "services/store/db.h"

namespace pqtrack::store {

class AssemblyStore {
 public:
  // `db` must outlive this object.
  explicit AssemblyStore(Db* db) : db_(*db) {}

  // ALREADY_EXISTS when the code is taken.
  absl::StatusOr<core::Term> CreateTerm(const core::Term& term, absl::Time now);
  absl::StatusOr<std::vector<core::Term>> ListTerms();
  // INVALID_ARGUMENT on term_code when the term does not exist;
  // ALREADY_EXISTS when the term has that session already.
  absl::StatusOr<core::Session> CreateSession(const core::Session& session,
                                              absl::Time now);
  // Empty term_code: every term.
  absl::StatusOr<std::vector<core::Session>> ListSessions(
      const std::string& term_code);
  // INVALID_ARGUMENT on session_id when the session does not exist;
  // ALREADY_EXISTS for a repeated (forwarding body, document number).
  absl::StatusOr<core::Batch> CreateBatch(const core::Batch& batch,
                                          absl::Time now);
  // session_id 0: every session.
  absl::StatusOr<std::vector<core::Batch>> ListBatches(int64_t session_id);

 private:
  Db& db_;
};

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_ASSEMBLY_STORE_H_
