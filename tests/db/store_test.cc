// The store against a real PostgreSQL (a fresh database per test).
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/core/alerts.h"
#include "services/core/inbox.h"
#include "services/store/alert_store.h"
#include "services/store/assembly_store.h"
#include "services/store/deadline_store.h"
#include "services/store/item_rows.h"
#include "services/store/item_store.h"
#include "services/store/log_store.h"
#include "services/store/migrations.h"
#include "services/store/rows.h"
#include "services/store/unit_store.h"
#include "services/store/user_store.h"
#include "tests/testing/pg_fixture.h"

namespace pqtrack::store {
namespace {

using core::Day;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2024, 11, 2, 9, 0, 0),
                                        absl::UTCTimeZone());

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::NewMigratedDb();
    ASSERT_NE(db_, nullptr);
    assembly_ = std::make_unique<AssemblyStore>(db_.get());
    units_ = std::make_unique<UnitStore>(db_.get());
    users_ = std::make_unique<UserStore>(db_.get());
    items_ = std::make_unique<ItemStore>(db_.get());
  }

  void AddUnit(const std::string& code, const std::string& parent,
               core::UnitKind kind) {
    core::Unit u;
    u.code = code;
    u.name_vi = "Đơn vị " + code;
    u.parent_code = parent;
    u.kind = kind;
    ASSERT_TRUE(units_->CreateUnit(u, kNow).ok()) << code;
  }

  // Ministry BNV with departments TL (with division TL1) and CCVC, and an
  // external agency EXT; term XV, session 7, batch 1; user "liaison".
  void Seed() {
    AddUnit("BNV", "", core::UnitKind::kMinistry);
    AddUnit("TL", "BNV", core::UnitKind::kDepartment);
    AddUnit("TL1", "TL", core::UnitKind::kDivision);
    AddUnit("CCVC", "BNV", core::UnitKind::kDepartment);
    AddUnit("EXT", "", core::UnitKind::kExternalAgency);
    ASSERT_TRUE(
        assembly_->CreateTerm({0, "XV", 15, 2021, 2026, {}}, kNow).ok());
    core::Session s;
    s.term_code = "XV";
    s.number = 7;
    s.kind = core::SessionKind::kRegular;
    s.opens_on = Day(2024, 5, 20);
    s.closes_on = Day(2024, 6, 29);
    auto session = assembly_->CreateSession(s, kNow);
    ASSERT_TRUE(session.ok()) << session.status();
    session_id_ = session->id;
    core::Batch b;
    b.session_id = session_id_;
    b.phase = core::BatchPhase::kAfterSession;
    b.forwarding_body = "Ban Dân nguyện";
    b.document_number = "123/BDN";
    b.received_on = Day(2024, 7, 20);
    auto batch = assembly_->CreateBatch(b, kNow);
    ASSERT_TRUE(batch.ok()) << batch.status();
    batch_id_ = batch->id;
    core::User user;
    user.login = "liaison";
    user.display_name = "Liaison";
    user.role = core::Role::kLiaison;
    auto u = users_->CreateUser(user, kNow);
    ASSERT_TRUE(u.ok()) << u.status();
    actor_ = u->id;
  }

  core::Item Petition(const std::string& title) {
    core::Item it;
    it.kind = core::ItemKind::kPetition;
    it.title = title;
    it.received_on = Day(2024, 7, 20);
    it.details = core::PetitionDetails{batch_id_, {"Hà Nội"}, "Tiền lương"};
    return it;
  }

  absl::StatusOr<ItemStore::RecordResult> Record(
      const core::Item& it, const std::string& rid,
      const std::string& hash = "h") {
    return items_->RecordItem(actor_, it, rid, hash, kNow);
  }

  int64_t Count(const std::string& table) {
    pqxx::connection c(db_->url());
    pqxx::work w(c);
    return w.exec("SELECT count(*) FROM " + table)[0][0].as<int64_t>();
  }

  std::unique_ptr<Db> db_;
  std::unique_ptr<AssemblyStore> assembly_;
  std::unique_ptr<UnitStore> units_;
  std::unique_ptr<UserStore> users_;
  std::unique_ptr<ItemStore> items_;
  int64_t session_id_ = 0, batch_id_ = 0, actor_ = 0;
};

TEST_F(StoreTest, MigrationsAppliedTwiceChangeNothing) {
  auto again = Migrate(*db_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(Count("schema_migrations"),
            static_cast<int64_t>(EmbeddedMigrations().size()));
}

TEST(MigrationTest, FreshDatabaseGetsEveryMigrationOnce) {
  Db::Options o;
  o.url = testing::NewDatabase();
  auto db = Db::Connect(o);
  ASSERT_TRUE(db.ok());
  auto first = Migrate(**db);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, static_cast<int>(EmbeddedMigrations().size()));
  EXPECT_EQ(*Migrate(**db), 0);
}

TEST(MigrationTest, EventsRecordedBeforeTheChainAreLinkedByTheUpgrade) {
  Db::Options o;
  o.url = testing::NewDatabase();
  auto db = Db::Connect(o);
  ASSERT_TRUE(db.ok());
  const std::vector<EmbeddedMigration> first = {EmbeddedMigrations()[0]};
  ASSERT_EQ(*Migrate(**db, first), 1);
  {
    pqxx::connection c(o.url);
    pqxx::work w(c);
    w.exec(
        "INSERT INTO units (code, name_vi, kind, created_at, updated_at)"
        " VALUES ('BNV', 'Bộ', 'MINISTRY', now(), now());"
        "INSERT INTO items (kind, sender_key, title, received_on, status,"
        " created_at, updated_at, sender, document_number, document_date,"
        " requires_response)"
        " VALUES ('DOCUMENT', 'x', 'Cũ', '2024-01-02', 'RECEIVED', now(),"
        " now(), 'x', '1', '2024-01-01', true);"
        "INSERT INTO events (item_id, at, kind, after)"
        " SELECT id, now(), 'RECORDED', item_snapshot(id) FROM items;"
        "INSERT INTO events (item_id, at, kind, after)"
        " SELECT id, now(), 'RECORDED', item_snapshot(id) FROM items;");
    w.commit();
  }
  auto rest = Migrate(**db);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(*rest, static_cast<int>(EmbeddedMigrations().size()) - 1);
  LogStore log(db->get());
  auto report = log.VerifyAuditChain(absl::Now());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->intact) << report->problem;
  EXPECT_EQ(report->events_checked, 2);
}

TEST_F(StoreTest, NewerSchemaIsRefused) {
  {
    pqxx::connection c(db_->url());
    pqxx::work w(c);
    w.exec("INSERT INTO schema_migrations VALUES (9999, '9999_future', now())");
    w.commit();
  }
  auto r = Migrate(*db_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("schema is at version 9999, newer than this "
                        "pqtrack-server knows"));
}

TEST(DbTest, UnreachableDatabaseIsUnavailable) {
  Db::Options o;
  o.url = "host=/nonexistent-socket-dir port=1 dbname=x connect_timeout=2";
  auto db = Db::Connect(o);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(StoreTest, RecordAppendsAnEventInTheSameTransaction) {
  Seed();
  core::Item it = Petition("Kiến nghị về tiền lương");
  it.lead_unit_code = "TL";
  it.coordinating_unit_codes = {"CCVC"};
  auto r = Record(it, "req-00000001");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->replayed);
  EXPECT_EQ(r->item.status, core::ItemStatus::kAssigned);
  EXPECT_EQ(r->item.session_id, session_id_);
  EXPECT_EQ(r->item.version, 1);
  EXPECT_EQ(r->item.coordinating_unit_codes, std::vector<std::string>{"CCVC"});
  pqxx::connection c(db_->url());
  pqxx::work w(c);
  const pqxx::result ev = w.exec_params(
      "SELECT actor_id, kind, after->>'title', after->>'lead_unit_code',"
      " after->'coordinating_unit_codes'->>0 FROM events WHERE item_id = $1",
      r->item.id);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0][0].as<int64_t>(), actor_);
  EXPECT_EQ(ev[0][1].as<std::string>(), "RECORDED");
  EXPECT_EQ(ev[0][2].as<std::string>(), "Kiến nghị về tiền lương");
  EXPECT_EQ(ev[0][3].as<std::string>(), "TL");
  EXPECT_EQ(ev[0][4].as<std::string>(), "CCVC");
}

TEST_F(StoreTest, EventsAreAppendOnly) {
  Seed();
  ASSERT_TRUE(Record(Petition("x"), "req-00000001").ok());
  pqxx::connection c(db_->url());
  for (const char* sql : {"UPDATE events SET kind = 'X'", "DELETE FROM events",
                          "TRUNCATE events"}) {
    pqxx::work w(c);
    EXPECT_THROW(w.exec(sql), pqxx::sql_error) << sql;
  }
}

TEST_F(StoreTest, RequestIdReplaysOrConflicts) {
  Seed();
  auto first = Record(Petition("a"), "req-00000001", "hash-a");
  ASSERT_TRUE(first.ok());
  auto again = Record(Petition("a"), "req-00000001", "hash-a");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->item.id, first->item.id);
  auto other = Record(Petition("b"), "req-00000001", "hash-b");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(other.status().message()),
              HasSubstr("request_id: \"req-00000001\" was already used"));
  EXPECT_EQ(Count("items"), 1);
  EXPECT_EQ(Count("events"), 1);
}

TEST_F(StoreTest, ExternalReferenceIsUniquePerSender) {
  Seed();
  core::Item a = Petition("a");
  a.external_ref = "KN-01";
  ASSERT_TRUE(Record(a, "req-00000001").ok());
  core::Item b = Petition("b");
  b.external_ref = "KN-01";
  auto dup = Record(b, "req-00000002");
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(dup.status().message()),
              HasSubstr("item.external_ref:"));
  // The same reference from another sender is another item.
  core::Item doc;
  doc.kind = core::ItemKind::kDocument;
  doc.title = "Công văn";
  doc.external_ref = "KN-01";
  doc.received_on = Day(2024, 10, 1);
  doc.details =
      core::DocumentDetails{"UBND Hà Nội", "1/UBND", Day(2024, 9, 30), true};
  EXPECT_TRUE(Record(doc, "req-00000003").ok());
}

TEST_F(StoreTest, ReferencesMustExist) {
  Seed();
  core::Item it = Petition("x");
  std::get<core::PetitionDetails>(it.details).batch_id = 999;
  EXPECT_THAT(std::string(Record(it, "req-00000001").status().message()),
              HasSubstr("item.petition.batch_id: no batch 999"));
  it = Petition("x");
  it.session_id = session_id_ + 1;
  EXPECT_THAT(std::string(Record(it, "req-00000002").status().message()),
              HasSubstr("item.session_id: batch"));
  it = Petition("x");
  it.lead_unit_code = "NOPE";
  EXPECT_THAT(std::string(Record(it, "req-00000003").status().message()),
              HasSubstr("item.lead_unit_code: no unit \"NOPE\""));
  it.lead_unit_code = "EXT";
  EXPECT_THAT(std::string(Record(it, "req-00000004").status().message()),
              HasSubstr("is an external agency"));
  it.lead_unit_code = "TL";
  it.coordinating_unit_codes = {"GONE"};
  const auto s = Record(it, "req-00000005").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("item.coordinating_unit_codes: no unit \"GONE\""));
  core::Item doc;
  doc.kind = core::ItemKind::kDocument;
  doc.title = "Công văn";
  doc.received_on = Day(2024, 10, 1);
  doc.session_id = 424242;
  doc.details = core::DocumentDetails{"UBND", "1/UBND", Day(2024, 9, 30), true};
  EXPECT_THAT(std::string(Record(doc, "req-00000006").status().message()),
              HasSubstr("item.session_id: no session 424242"));
  EXPECT_EQ(Count("items"), 0);
  EXPECT_EQ(Count("events"), 0);
}

TEST_F(StoreTest, UnitMustExistOnTheDayReceived) {
  Seed();
  auto updated = units_->UpdateUnit(
      "CCVC",
      [](core::Unit& u) {
        u.valid_to = Day(2024, 6, 30);
        return absl::OkStatus();
      },
      kNow);
  ASSERT_TRUE(updated.ok()) << updated.status();
  core::Item it = Petition("x");
  it.lead_unit_code = "CCVC";
  EXPECT_THAT(std::string(Record(it, "req-00000001").status().message()),
              HasSubstr("did not exist on 2024-07-20"));
}

TEST_F(StoreTest, LeadersSeeTheirSubtreeOnly) {
  Seed();
  core::Item led_by_division = Petition("division");
  led_by_division.lead_unit_code = "TL1";
  core::Item coordinated = Petition("coordinated");
  coordinated.lead_unit_code = "CCVC";
  coordinated.coordinating_unit_codes = {"TL"};
  core::Item other = Petition("other");
  other.lead_unit_code = "CCVC";
  core::Item triage = Petition("triage");
  const int64_t a = Record(led_by_division, "req-00000001")->item.id;
  const int64_t b = Record(coordinated, "req-00000002")->item.id;
  const int64_t c = Record(other, "req-00000003")->item.id;
  const int64_t d = Record(triage, "req-00000004")->item.id;

  const std::optional<std::string> tl = "TL";
  EXPECT_TRUE(items_->GetItem(tl, a).ok());
  EXPECT_TRUE(items_->GetItem(tl, b).ok());
  EXPECT_EQ(items_->GetItem(tl, c).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(items_->GetItem(tl, d).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(items_->GetItem(std::string("TL1"), b).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(items_->GetItem(std::string(""), a).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(items_->GetItem(std::nullopt, d).ok());

  bool more = true;
  auto listed = items_->ListItems(tl, {}, {50, 0}, &more);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, b);
  EXPECT_EQ((*listed)[1].id, a);
  EXPECT_FALSE(more);
  auto everything = items_->ListItems(std::nullopt, {}, {50, 0}, &more);
  EXPECT_EQ(everything->size(), 4u);
}

TEST_F(StoreTest, ListFiltersAndPages) {
  Seed();
  for (int i = 0; i < 7; ++i) {
    core::Item it = Petition("p" + std::to_string(i));
    if (i % 2 == 0) it.lead_unit_code = "TL1";
    it.received_on = Day(2024, 7, 20 + i);
    it.due_on = Day(2024, 9, 1 + i);
    ASSERT_TRUE(Record(it, "req-0000000" + std::to_string(i)).ok());
  }
  core::ItemFilter f;
  f.lead_unit_code = "TL";  // subtree: TL1 counts
  bool more = false;
  EXPECT_EQ(items_->ListItems(std::nullopt, f, {50, 0}, &more)->size(), 4u);
  f = {};
  f.statuses = {core::ItemStatus::kReceived};
  EXPECT_EQ(items_->ListItems(std::nullopt, f, {50, 0}, &more)->size(), 3u);
  f = {};
  f.received_from = Day(2024, 7, 22);
  f.received_to = Day(2024, 7, 24);
  EXPECT_EQ(items_->ListItems(std::nullopt, f, {50, 0}, &more)->size(), 3u);
  f = {};
  f.due_before = Day(2024, 9, 3);
  EXPECT_EQ(items_->ListItems(std::nullopt, f, {50, 0}, &more)->size(), 2u);
  f = {};
  f.kind = core::ItemKind::kQuestion;
  EXPECT_EQ(items_->ListItems(std::nullopt, f, {50, 0}, &more)->size(), 0u);
  f = {};
  f.batch_id = batch_id_;
  f.session_id = session_id_;
  EXPECT_EQ(items_->ListItems(std::nullopt, f, {50, 0}, &more)->size(), 7u);
  f = {};
  f.lead_unit_code = "NOPE";
  EXPECT_EQ(items_->ListItems(std::nullopt, f, {50, 0}, &more).status().code(),
            absl::StatusCode::kInvalidArgument);

  // Pages of 3: 3 + 3 + 1, newest first, no overlap.
  std::vector<int64_t> seen;
  core::PageRequest page{3, 0};
  for (int n = 0; n < 3; ++n) {
    auto got = items_->ListItems(std::nullopt, {}, page, &more);
    ASSERT_TRUE(got.ok());
    for (const auto& it : *got) seen.push_back(it.id);
    EXPECT_EQ(more, n < 2);
    if (!got->empty()) page.after_id = got->back().id;
  }
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));
}

TEST_F(StoreTest, UnitTreeOrderAndCycles) {
  Seed();
  auto units = units_->ListUnits("", false, Day(2024, 11, 2));
  ASSERT_TRUE(units.ok());
  std::vector<std::string> order;
  for (const auto& u : *units)
    order.push_back(u.code + ":" + std::to_string(u.depth));
  EXPECT_EQ(order, (std::vector<std::string>{"BNV:0", "CCVC:1", "TL:1", "TL1:2",
                                             "EXT:0"}));
  auto sub = units_->ListUnits("TL", false, Day(2024, 11, 2));
  EXPECT_EQ(sub->size(), 2u);
  EXPECT_EQ(units_->ListUnits("NOPE", false, Day(2024, 11, 2)).status().code(),
            absl::StatusCode::kNotFound);

  auto cycle = units_->UpdateUnit(
      "TL",
      [](core::Unit& u) {
        u.parent_code = "TL1";
        return absl::OkStatus();
      },
      kNow);
  EXPECT_EQ(cycle.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(cycle.status().message()),
              HasSubstr("cannot move under its own subtree"));
  core::Unit under_ext;
  under_ext.code = "X1";
  under_ext.name_vi = "x";
  under_ext.parent_code = "EXT";
  under_ext.kind = core::UnitKind::kDivision;
  EXPECT_THAT(
      std::string(units_->CreateUnit(under_ext, kNow).status().message()),
      HasSubstr("is an external agency"));
  core::Unit dup;
  dup.code = "TL";
  dup.name_vi = "x";
  dup.parent_code = "BNV";
  dup.kind = core::UnitKind::kDepartment;
  EXPECT_EQ(units_->CreateUnit(dup, kNow).status().code(),
            absl::StatusCode::kAlreadyExists);
  // Expired units are hidden unless asked for.
  ASSERT_TRUE(units_
                  ->UpdateUnit(
                      "CCVC",
                      [](core::Unit& u) {
                        u.valid_to = Day(2024, 1, 1);
                        return absl::OkStatus();
                      },
                      kNow)
                  .ok());
  EXPECT_EQ(units_->ListUnits("", false, Day(2024, 11, 2))->size(), 4u);
  EXPECT_EQ(units_->ListUnits("", true, Day(2024, 11, 2))->size(), 5u);
}

TEST_F(StoreTest, TokensAuthenticateUntilRevokedOrExpired) {
  Seed();
  auto t = users_->IssueToken("liaison", "laptop", kNow + absl::Hours(1),
                              "hash-1", kNow);
  ASSERT_TRUE(t.ok()) << t.status();
  auto p = users_->Authenticate("hash-1", kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->principal.login, "liaison");
  EXPECT_EQ(p->principal.role, core::Role::kLiaison);
  EXPECT_EQ(
      users_->Authenticate("hash-1", kNow + absl::Hours(2)).status().code(),
      absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(users_->Authenticate("nope", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(users_->RevokeToken(t->id, actor_ + 1, kNow).status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(users_->RevokeToken(t->id, actor_, kNow).ok());
  EXPECT_EQ(users_->Authenticate("hash-1", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(
      users_->IssueToken("ghost", "", std::nullopt, "h2", kNow).status().code(),
      absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, BootstrapAdminOnlyOnFirstStart) {
  EXPECT_TRUE(*users_->BootstrapAdmin("admin", "first", true, kNow));
  EXPECT_FALSE(*users_->BootstrapAdmin("admin", "second", true, kNow));
  EXPECT_EQ(users_->Authenticate("second", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(*users_->BootstrapAdmin("admin", "recovery", false, kNow));
  auto p = users_->Authenticate("recovery", kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->principal.role, core::Role::kAdmin);
}

TEST_F(StoreTest, UsersNeedAnInternalUnit) {
  Seed();
  core::User u;
  u.login = "resp";
  u.display_name = "R";
  u.role = core::Role::kResponder;
  u.unit_code = "EXT";
  EXPECT_THAT(std::string(users_->CreateUser(u, kNow).status().message()),
              HasSubstr("user.unit_code: \"EXT\" is an external agency"));
  u.unit_code = "NOPE";
  EXPECT_THAT(std::string(users_->CreateUser(u, kNow).status().message()),
              HasSubstr("user.unit_code: no unit \"NOPE\""));
  u.unit_code = "TL";
  ASSERT_TRUE(users_->CreateUser(u, kNow).ok());
  EXPECT_EQ(users_->CreateUser(u, kNow).status().code(),
            absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace pqtrack::store

namespace pqtrack::store {
namespace {

// The commit-ordered log: the chain and the cursors it gives, tampering of
// every kind, and a seal interrupted halfway.
class LogTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    log_ = std::make_unique<LogStore>(db_.get());
    Seed();
    for (int i = 0; i < 4; ++i) {
      core::Item it = Petition(absl::StrCat("Kiến nghị ", i));
      it.lead_unit_code = "TL";
      auto r = Record(it, absl::StrCat("req-0000000", i));
      ASSERT_TRUE(r.ok()) << r.status();
      ids_.push_back(r->item.id);
    }
    auto sealed = log_->Seal(kNow);
    ASSERT_TRUE(sealed.ok()) << sealed.status();
    EXPECT_EQ(sealed->events, 4);
    EXPECT_EQ(sealed->alerts, 4);
    EXPECT_EQ(sealed->last_cursor, 4);
    pqxx::connection c(db_->url());
    pqxx::work w(c);
    for (const pqxx::row& r : w.exec("SELECT event_id FROM event_chain"
                                     " ORDER BY seq")) {
      events_.push_back(r[0].as<int64_t>());
    }
  }

  // Runs `sql` as someone with database access would: triggers off.
  void Tamper(const std::string& sql) {
    pqxx::connection c(db_->url());
    pqxx::work w(c);
    w.exec("SET LOCAL session_replication_role = replica");
    w.exec(sql);
    w.commit();
  }

  core::AuditReport Verify() {
    auto r = log_->VerifyAuditChain(kNow);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : core::AuditReport{};
  }

  std::unique_ptr<LogStore> log_;
  std::vector<int64_t> ids_;
  // Event ids in chain order.
  std::vector<int64_t> events_;
};

TEST_F(LogTest, IntactChainAndGapFreeCursors) {
  const core::AuditReport r = Verify();
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.events_checked, 4);
  ASSERT_EQ(events_.size(), 4u);
  pqxx::connection c(db_->url());
  pqxx::work w(c);
  EXPECT_EQ(
      w.exec1("SELECT string_agg(id::text, ',' ORDER BY id) FROM alerts")[0]
          .as<std::string>(),
      "1,2,3,4");
  EXPECT_EQ(w.exec1("SELECT count(*) FROM events_unsealed")[0].as<int>(), 0);
  EXPECT_EQ(w.exec1("SELECT count(*) FROM alert_queue")[0].as<int>(), 0);
}

// One way to tamper with history, and what verification must say.
struct Tampering {
  std::string name;
  // SQL run with triggers off; {1}, {2}, {3} stand for the ids of the
  // second, third and fourth event in chain order.
  std::string sql;
  // Index in chain order of the event reported (-1: one after them all).
  int reported;
  std::string problem;
};

class TamperTest : public LogTest,
                   public ::testing::WithParamInterface<Tampering> {};

TEST_P(TamperTest, IsDetected) {
  std::string sql = GetParam().sql;
  for (int i = 1; i <= 3; ++i) {
    sql = absl::StrReplaceAll(
        sql, {{absl::StrCat("{", i, "}"), absl::StrCat(events_[i])}});
  }
  Tamper(sql);
  const core::AuditReport r = Verify();
  EXPECT_FALSE(r.intact);
  if (GetParam().reported >= 0) {
    EXPECT_EQ(r.first_broken_event_id, events_[GetParam().reported]);
  } else {
    EXPECT_GT(r.first_broken_event_id, events_[3]);
  }
  EXPECT_THAT(r.problem, HasSubstr(GetParam().problem));
}

INSTANTIATE_TEST_SUITE_P(
    EveryKind, TamperTest,
    ::testing::Values(
        Tampering{"Changed",
                  "UPDATE events SET after = jsonb_set(after, '{title}',"
                  " '\"X\"') WHERE id = {1}",
                  1, "no longer matches its hash"},
        // Changed with its hash recomputed: the next link gives it away.
        Tampering{"ChangedAndRehashed",
                  "UPDATE events SET kind = 'FORGED' WHERE id = {1};"
                  "UPDATE event_chain c SET hash = event_hash(c.prev_hash,"
                  " e.id, e.item_id, e.actor_id, e.at, e.kind, e.before,"
                  " e.after, e.detail) FROM events e"
                  " WHERE e.id = c.event_id AND e.id = {1}",
                  2, "link to the previous event"},
        Tampering{"Deleted", "DELETE FROM events WHERE id = {1}", 1,
                  "it was deleted"},
        Tampering{"DeletedWithItsLink",
                  "DELETE FROM event_chain WHERE event_id = {1};"
                  "DELETE FROM events WHERE id = {1}",
                  2, "link to the previous event"},
        Tampering{"Reordered",
                  "UPDATE event_chain SET seq = -seq WHERE seq IN (2, 3);"
                  "UPDATE event_chain SET seq = 5 + seq WHERE seq IN (-2, -3)",
                  2, "link to the previous event"},
        Tampering{"Inserted",
                  "INSERT INTO events (item_id, at, kind, after)"
                  " SELECT item_id, at, 'FORGED', after FROM events"
                  " WHERE id = {1}",
                  -1, "inserted behind pqtrack's back"},
        Tampering{"TailRemoved",
                  "DELETE FROM event_chain WHERE event_id = {3};"
                  "DELETE FROM events WHERE id = {3}",
                  2, "events after it were removed"}),
    [](const ::testing::TestParamInfo<Tampering>& info) {
      return info.param.name;
    });

TEST_F(LogTest, ASealKilledHalfwayLeavesNoGapAndNoRepeat) {
  // Two more items wait to be sealed.
  for (int i = 4; i < 6; ++i) {
    core::Item it = Petition(absl::StrCat("Kiến nghị ", i));
    it.lead_unit_code = "TL";
    ASSERT_TRUE(Record(it, absl::StrCat("req-0000000", i)).ok());
  }
  // Hold the chain so that the sealer stops halfway: it has taken the head
  // and emptied the queue in its transaction, and waits to write the links.
  pqxx::connection blocker(db_->url());
  pqxx::work hold(blocker);
  hold.exec("LOCK TABLE event_chain IN ACCESS EXCLUSIVE MODE");
  absl::StatusOr<LogStore::Sealed> interrupted;
  std::thread sealer([&] { interrupted = log_->Seal(kNow); });
  pqxx::connection watcher(db_->url());
  int pid = 0;
  for (int i = 0; i < 10000 && pid == 0; ++i) {
    pqxx::nontransaction q(watcher);
    const pqxx::result r = q.exec(
        "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        " AND query LIKE '%pq_seal%'");
    if (!r.empty()) pid = r[0][0].as<int>();
    if (pid == 0) std::this_thread::yield();
  }
  ASSERT_NE(pid, 0) << "the sealer never waited on the chain";
  {
    pqxx::nontransaction q(watcher);
    q.exec_params("SELECT pg_terminate_backend($1)", pid);
  }
  hold.abort();
  sealer.join();
  EXPECT_FALSE(interrupted.ok());
  EXPECT_EQ(Count("events_unsealed"), 2);
  EXPECT_EQ(Count("alert_queue"), 2);
  EXPECT_EQ(Count("event_chain"), 4);
  EXPECT_EQ(Count("alerts"), 4);

  auto sealed = log_->Seal(kNow);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->events, 2);
  EXPECT_EQ(sealed->alerts, 2);
  EXPECT_EQ(sealed->last_cursor, 6);
  const core::AuditReport r = Verify();
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.events_checked, 6);
  pqxx::connection c(db_->url());
  pqxx::work w(c);
  EXPECT_EQ(
      w.exec1("SELECT string_agg(id::text, ',' ORDER BY id) FROM alerts")[0]
          .as<std::string>(),
      "1,2,3,4,5,6");
}

}  // namespace
}  // namespace pqtrack::store

namespace pqtrack::store {
namespace {

TEST_F(StoreTest, SuggestionsAreOpenItemsOfTheSameKindFromTheIndex) {
  Seed();
  auto a =
      Record(Petition("Tăng phụ cấp cho giáo viên mầm non"), "req-0000001");
  ASSERT_TRUE(a.ok()) << a.status();
  core::Item doc;
  doc.kind = core::ItemKind::kDocument;
  doc.title = "Tăng phụ cấp cho giáo viên mầm non";
  doc.received_on = Day(2024, 7, 20);
  doc.details = core::DocumentDetails{"UBND tỉnh Nghệ An", "1/UBND",
                                      Day(2024, 7, 19), true};
  ASSERT_TRUE(Record(doc, "req-0000002").ok());
  // A petition with a similar title finds the petition, not the document.
  auto b = Record(Petition("TANG PHU CAP giao vien mam non"), "req-0000003");
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->similar.size(), 1u);
  EXPECT_EQ(b->similar[0].id, a->item.id);
  // A draft of no kind is compared with every kind.
  auto any =
      items_->SuggestDuplicates(std::nullopt, "giáo viên mầm non",
                                core::ItemKind::kUnspecified, 0, 10, 0.3);
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->size(), 3u);
  // The lookup is answered by the partial trigram index.
  pqxx::connection c(db_->url());
  pqxx::work w(c);
  w.exec("SET enable_seqscan = off");
  const pqxx::result plan = w.exec(
      "EXPLAIN SELECT id FROM items i WHERE i.status "
      "IN " PQTRACK_SQL_AWAITING_ANSWER
      " AND i.kind = 'PETITION' AND i.title_folded % 'giao vien'");
  std::string text;
  std::string index_condition;
  for (const pqxx::row& r : plan) {
    const std::string line = r[0].as<std::string>();
    text += line + "\n";
    if (line.find("Index Cond") != std::string::npos) index_condition = line;
  }
  EXPECT_THAT(text, HasSubstr("items_similar_open")) << text;
  // The kind is matched inside the index, not filtered afterwards.
  EXPECT_THAT(index_condition, HasSubstr("kind = 'PETITION'")) << text;
}

TEST_F(StoreTest, ReferenceDataKeptPerConnectionIsReadAgainWhenItChanges) {
  // One connection, so the second read is the one that kept the data.
  auto one = Db::Connect({db_->url(), 1});
  ASSERT_TRUE(one.ok());
  DeadlineStore reader(one->get());
  DeadlineStore writer(db_.get());
  const auto compute = [&] {
    auto c = reader.Compute(core::ItemKind::kDocument, Day(2024, 11, 4),
                            Day(2024, 11, 4));
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? c->result.due : Day(1970, 1, 1);
  };
  const Day before = compute();
  EXPECT_EQ(compute(), before);  // from what the connection kept
  // Another connection declares the due day a holiday: the kept calendar
  // is stale and must not be used.
  core::CalendarDay off;
  off.date = before;
  off.kind = core::CalendarDayKind::kHoliday;
  off.name = "Nghỉ bù";
  off.source = "test";
  ASSERT_TRUE(writer.SetCalendarDays({off}).ok());
  EXPECT_GT(compute(), before);
  // The same for the rules and the alert ladder's settings.
  core::DeadlineRule longer;
  longer.kind = core::ItemKind::kDocument;
  longer.amount = 30;
  longer.count = core::DayCount::kWorking;
  longer.anchor = core::Anchor::kReceived;
  longer.legal_basis = "test";
  longer.valid_from = Day(2024, 1, 1);
  ASSERT_TRUE(writer.CreateRule(longer, 0, kNow).ok());
  EXPECT_GT(compute(), Day(2024, 12, 10));
  const auto days_before = [&] {
    std::vector<int> out;
    EXPECT_TRUE((*one)
                    ->Transact([&](Tx& tx) -> absl::Status {
                      out = LoadLadder(tx).days_before;
                      return absl::OkStatus();
                    })
                    .ok());
    return out;
  };
  EXPECT_EQ(days_before(), std::vector<int>({7, 3, 1}));
  ASSERT_TRUE(db_->Transact([](Tx& tx) -> absl::Status {
                   tx.ExecScript(
                       "UPDATE settings SET value = '5,2'"
                       " WHERE key = 'alert_days_before'");
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_EQ(days_before(), std::vector<int>({5, 2}));
}

// Whether a ladder runs, and on which day, in SQL: core::LadderRuns and
// core::LadderDue for every status, clock and follow-up.
TEST_F(StoreTest, SqlLadderRunsIsCoresForEveryState) {
  constexpr Statement kRuns{
      "test_ladder_runs",
      "SELECT " PQTRACK_SQL_LADDER_RUNS ", " PQTRACK_SQL_LADDER_DUE
      " FROM (SELECT $1::text AS status, $2::text AS clock,"
      " $3::date AS follow_up_on, $4::date AS due_on) i"};
  const Day due(2024, 9, 4), follow_up(2025, 3, 31);
  int seen = 0;
  ASSERT_TRUE(
      db_->Transact([&](Tx& tx) -> absl::Status {
           for (int s = 1; s <= static_cast<int>(core::ItemStatus::kDuplicate);
                ++s) {
             const auto status = static_cast<core::ItemStatus>(s);
             for (const bool running : {true, false}) {
               for (const bool open : {true, false}) {
                 const std::optional<Day> f =
                     open ? std::optional<Day>(follow_up) : std::nullopt;
                 const pqxx::result r =
                     tx.Run(kRuns, std::string(core::Name(status)),
                            std::string(running ? "RUNNING" : "PAUSED"), f,
                            std::optional<Day>(due));
                 EXPECT_EQ(r[0][0].as<bool>(),
                           core::LadderRuns(status, running, open))
                     << core::Name(status) << " running " << running
                     << " follow-up " << open;
                 EXPECT_EQ(*DayOf(r[0][1]), *core::LadderDue(due, f));
                 ++seen;
               }
             }
           }
           return absl::OkStatus();
         })
          .ok());
  EXPECT_GE(seen, 36);
}

// The inbox classifies timeliness in SQL; it must be core::TimelinessOf.
TEST_F(StoreTest, SqlTimelinessIsCoresOnEveryDay) {
  constexpr Statement kClassify{
      "test_timeliness",
      "SELECT d, " PQTRACK_SQL_TIMELINESS("due", "$1::date", "$2::integer")
      " FROM (SELECT $1::date + d AS due, d FROM generate_series(-10, 20) d"
      " UNION ALL SELECT NULL, NULL) days"};
  const Day today(2024, 10, 1);
  int seen = 0;
  ASSERT_TRUE(
      db_->Transact([&](Tx& tx) -> absl::Status {
           for (const int soon : {7, 3}) {
             for (const pqxx::row& r :
                  tx.Run(kClassify, today, int64_t{soon})) {
               std::optional<Day> due;
               if (!r[0].is_null()) due = today + r[0].as<int>();
               EXPECT_EQ(r[1].as<int>(),
                         static_cast<int>(core::TimelinessOf(due, today, soon)))
                   << (r[0].is_null() ? "no due date" : r[0].c_str())
                   << " soon " << soon;
               ++seen;
             }
           }
           return absl::OkStatus();
         })
          .ok());
  EXPECT_EQ(seen, 64);
}

}  // namespace
}  // namespace pqtrack::store
