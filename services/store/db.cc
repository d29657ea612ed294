#include "services/store/db.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "services/store/errors.h"

namespace pqtrack::store {

pqxx::result Tx::Exec(const Statement& s, const Params& params) {
  if (!conn_.prepared.contains(s.name)) {
    conn_.conn.prepare(s.name, s.sql);
    conn_.prepared.insert(s.name);
  }
  const std::vector<const char*> ptrs = params.Pointers();
  return txn_.exec_prepared(s.name, pqxx::prepare::make_dynamic_params(ptrs));
}

pqxx::result Tx::ExecWithBytes(const Statement& s, const Params& params,
                               std::string_view bytes) {
  if (!conn_.prepared.contains(s.name)) {
    conn_.conn.prepare(s.name, s.sql);
    conn_.prepared.insert(s.name);
  }
  const std::vector<const char*> ptrs = params.Pointers();
  return txn_.exec_prepared(s.name, pqxx::prepare::make_dynamic_params(ptrs),
                            pqxx::binarystring(bytes.data(), bytes.size()));
}

pqxx::result Tx::ExecScript(const std::string& sql) { return txn_.exec(sql); }

int64_t Tx::ReferenceVersion() {
  static constexpr Statement kVersion{"db_reference_version",
                                      "SELECT n FROM reference_version"};
  if (!reference_version_) {
    const pqxx::result r = Exec(kVersion, Params());
    reference_version_ = r.empty() ? 0 : r[0][0].as<int64_t>();
  }
  return *reference_version_;
}

absl::StatusOr<std::unique_ptr<Db>> Db::Connect(Options options) {
  if (options.max_connections < 1) options.max_connections = 1;
  std::unique_ptr<Db> db(new Db(std::move(options)));
  auto first = db->Open();
  if (!first.ok()) return first.status();
  absl::MutexLock lock(&db->mu_);
  db->open_ = 1;
  db->idle_.push_back(std::move(first).value());
  return db;
}

Db::~Db() {
  absl::MutexLock lock(&mu_);
  idle_.clear();
}

absl::StatusOr<std::unique_ptr<PooledConnection>> Db::Open() {
  try {
    auto conn = std::make_unique<PooledConnection>(options_.url);
    pqxx::nontransaction setup(conn->conn);
    setup.exec("SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'");
    setup.commit();
    return conn;
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to the database: ", e.what()));
  }
}

absl::StatusOr<std::unique_ptr<PooledConnection>> Db::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    const auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.max_connections;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&ready),
                              options_.acquire_timeout)) {
      return absl::UnavailableError(
          "no database connection became free in time");
    }
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;
  }
  auto conn = Open();
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
  }
  return conn;
}

void Db::Release(std::unique_ptr<PooledConnection> conn, bool healthy) {
  absl::MutexLock lock(&mu_);
  if (healthy && conn->conn.is_open()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
}

absl::Status Db::Transact(absl::FunctionRef<absl::Status(Tx&)> fn) {
  constexpr int kAttempts = 5;
  absl::Status last;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto leased = Acquire();
    if (!leased.ok()) return leased.status();
    std::unique_ptr<PooledConnection> conn = std::move(leased).value();
    bool healthy = true;
    bool retry = false;
    try {
      pqxx::work txn(conn->conn);
      Tx tx(txn, *conn);
      last = fn(tx);
      if (last.ok()) txn.commit();
    } catch (const std::exception& e) {
      last = MapDbException(e);
      retry = IsRetryable(e);
      healthy = conn->conn.is_open() &&
                dynamic_cast<const pqxx::broken_connection*>(&e) == nullptr;
    }
    Release(std::move(conn), healthy);
    if (!retry) return last;
  }
  return last;
}

absl::Status Db::Autocommit(absl::FunctionRef<absl::Status(Tx&)> fn) {
  auto leased = Acquire();
  if (!leased.ok()) return leased.status();
  std::unique_ptr<PooledConnection> conn = std::move(leased).value();
  absl::Status result;
  bool healthy = true;
  try {
    pqxx::nontransaction txn(conn->conn);
    Tx tx(txn, *conn);
    result = fn(tx);
  } catch (const std::exception& e) {
    result = MapDbException(e);
    healthy = conn->conn.is_open() &&
              dynamic_cast<const pqxx::broken_connection*>(&e) == nullptr;
  }
  Release(std::move(conn), healthy);
  return result;
}

std::pair<int, int> Db::OpenAndIdle() {
  absl::MutexLock lock(&mu_);
  return {open_, static_cast<int>(idle_.size())};
}

}  // namespace pqtrack::store
