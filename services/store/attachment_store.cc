#include "services/store/attachment_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"
#include "services/common/json.h"
#include "services/common/status_macros.h"
#include "services/store/item_rows.h"
#include "services/store/rows.h"

namespace pqtrack::store {
namespace {

// $1 scope unit, $2 unused (lead filter of the CTE), $3 the item.
constexpr Statement kVisible{
    "attachment_visible", PQTRACK_SCOPE_CTE
    "SELECT 1 FROM items i WHERE i.id = $3 AND " PQTRACK_VISIBLE
    "FOR KEY SHARE OF i"};
constexpr Statement kVisibleRead{
    "attachment_visible_read", PQTRACK_SCOPE_CTE
    "SELECT 1 FROM items i WHERE i.id = $3 AND " PQTRACK_VISIBLE};

#define PQTRACK_ATTACHMENT_COLUMNS                                      \
  "a.id, a.item_id, a.kind, a.file_name, a.content_type, a.size_bytes," \
  " a.sha256, u.login, (extract(epoch FROM a.uploaded_at) * 1000000)::bigint"

constexpr Statement kInsert{
    "attachment_insert",
    "INSERT INTO attachments (item_id, kind, file_name, content_type,"
    " size_bytes, sha256, uploaded_by, uploaded_at, content)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"};
constexpr Statement kList{
    "attachment_list",
    "SELECT " PQTRACK_ATTACHMENT_COLUMNS
    " FROM attachments a LEFT JOIN users u ON u.id = a.uploaded_by"
    " WHERE a.item_id = $1 ORDER BY a.id"};
constexpr Statement kGet{
    "attachment_get",
    "SELECT " PQTRACK_ATTACHMENT_COLUMNS
    ", a.content FROM attachments a LEFT JOIN users u ON u.id = a.uploaded_by"
    " WHERE a.item_id = $1 AND a.id = $2"};

core::Attachment FromRow(const pqxx::row& r) {
  core::Attachment a;
  a.id = Int(r[0]);
  a.item_id = Int(r[1]);
  a.kind = Text(r[2]) == "SIGNED_ANSWER" ? core::AttachmentKind::kSignedAnswer
                                         : core::AttachmentKind::kSupporting;
  a.file_name = Text(r[3]);
  a.content_type = Text(r[4]);
  a.size_bytes = Int(r[5]);
  a.sha256 = Text(r[6]);
  a.uploaded_by_login = Text(r[7]);
  a.upload_time = absl::FromUnixMicros(Int(r[8]));
  return a;
}

absl::Status CheckVisible(Tx& tx, const Statement& s,
                          const std::optional<std::string>& scope_unit,
                          int64_t item_id) {
  if (tx.Run(s, scope_unit, Null{}, item_id).empty()) {
    return absl::NotFoundError(absl::StrCat("no item ", item_id));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<core::Attachment> AttachmentStore::Add(
    const std::optional<std::string>& scope_unit, int64_t user_id,
    const core::Attachment& a, absl::Time now) {
  const std::string sha = Sha256Hex(a.content);
  return db_.Transact<core::Attachment>(
      [&](Tx& tx) -> absl::StatusOr<core::Attachment> {
        PQ_RETURN_IF_ERROR(CheckVisible(tx, kVisible, scope_unit, a.item_id));
        const std::string before = Snapshot(tx, a.item_id);
        const pqxx::result r = tx.ExecWithBytes(
            kInsert,
            Params(a.item_id, std::string(core::Name(a.kind)), a.file_name,
                   a.content_type, static_cast<int64_t>(a.content.size()), sha,
                   NullIfZero(user_id), now),
            a.content);
        const int64_t id = Int(r[0][0]);
        AppendEvent(
            tx, a.item_id, user_id, now, "ATTACHMENT_ADDED", before,
            JsonObject()
                .Add("attachment", id)
                .Add("kind", core::Name(a.kind))
                .Add("file_name", a.file_name)
                .Add("content_type", a.content_type)
                .Add("size_bytes", static_cast<int64_t>(a.content.size()))
                .Add("sha256", sha)
                .Build());
        for (const pqxx::row& row : tx.Run(kList, a.item_id)) {
          if (Int(row[0]) == id) return FromRow(row);
        }
        return absl::InternalError("attachment vanished after insert");
      });
}

absl::StatusOr<std::vector<core::Attachment>> AttachmentStore::List(
    const std::optional<std::string>& scope_unit, int64_t item_id) {
  return db_.Transact<std::vector<core::Attachment>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<core::Attachment>> {
        PQ_RETURN_IF_ERROR(CheckVisible(tx, kVisibleRead, scope_unit, item_id));
        std::vector<core::Attachment> out;
        for (const pqxx::row& r : tx.Run(kList, item_id)) {
          out.push_back(FromRow(r));
        }
        return out;
      });
}

absl::StatusOr<core::Attachment> AttachmentStore::Get(
    const std::optional<std::string>& scope_unit, int64_t item_id,
    int64_t attachment_id) {
  return db_.Transact<core::Attachment>(
      [&](Tx& tx) -> absl::StatusOr<core::Attachment> {
        PQ_RETURN_IF_ERROR(CheckVisible(tx, kVisibleRead, scope_unit, item_id));
        const pqxx::result r = tx.Run(kGet, item_id, attachment_id);
        if (r.empty()) {
          return absl::NotFoundError(absl::StrCat(
              "no attachment ", attachment_id, " on item ", item_id));
        }
        core::Attachment a = FromRow(r[0]);
        const pqxx::binarystring bytes(r[0][9]);
        a.content = bytes.str();
        return a;
      });
}

}  // namespace pqtrack::store
