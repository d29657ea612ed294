// Provides AttachmentStore: the files kept with items (migration 0011).
// Add checks that the caller sees the item, stores the bytes with their
// SHA-256 and appends an ATTACHMENT_ADDED event in one transaction; List
// and Get read within the caller's scope. Thread-safe (through Db).
#ifndef PQTRACK_SERVICES_STORE_ATTACHMENT_STORE_H_
#define PQTRACK_SERVICES_STORE_ATTACHMENT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/core/attachments.h"
#include "services/store/db.h"

namespace pqtrack::store {

class AttachmentStore {
 public:
  // `db` must outlive this object.
  explicit AttachmentStore(Db* db) : db_(*db) {}

  // `scope_unit`: the caller's unit for LEADER and RESPONDER, nullopt for
  // the whole ministry. `a` carries item_id, kind, file_name, content_type
  // and content (already checked against core/attachments.h). NOT_FOUND
  // when the item is not visible. Returns the stored description.
  absl::StatusOr<core::Attachment> Add(
      const std::optional<std::string>& scope_unit, int64_t user_id,
      const core::Attachment& a, absl::Time now);
  // Oldest first, without content.
  absl::StatusOr<std::vector<core::Attachment>> List(
      const std::optional<std::string>& scope_unit, int64_t item_id);
  // With content; NOT_FOUND unless the file is one of the visible item's.
  absl::StatusOr<core::Attachment> Get(
      const std::optional<std::string>& scope_unit, int64_t item_id,
      int64_t attachment_id);

 private:
  Db& db_;
};

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_ATTACHMENT_STORE_H_
