// Provides Db, the gateway to PostgreSQL: a bounded pool of libpqxx
// connections (a connection is never shared between threads) and Transact(),
// which runs one use case in one transaction with prepared statements only.
//
// Thread-safety: Db is thread-safe. A Tx belongs to the thread running the
// transaction and must not escape the callback.
#ifndef PQTRACK_SERVICES_STORE_DB_H_
#define PQTRACK_SERVICES_STORE_DB_H_

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/store/params.h"

namespace pqtrack::store {

// A named SQL statement. Statements are prepared on each connection the
// first time they are used there.
struct Statement {
  const char* name;
  const char* sql;
};

// One connection of the pool, with the names it has prepared and the
// reference data it has loaded (see Tx::Memo).
struct PooledConnection {
  explicit PooledConnection(const std::string& url) : conn(url) {}
  pqxx::connection conn;
  absl::flat_hash_set<std::string> prepared;
  struct Memo {
    int64_t reference_version = 0;
    std::shared_ptr<const void> value;
  };
  absl::flat_hash_map<std::string, Memo> memos;
};

// A transaction in progress.
class Tx {
 public:
  Tx(pqxx::transaction_base& txn, PooledConnection& conn)
      : txn_(txn), conn_(conn) {}

  // Executes a prepared statement. Throws libpqxx exceptions, which
  // Db::Transact maps to a status.
  pqxx::result Exec(const Statement& s, const Params& params);
  template <typename... Args>
  pqxx::result Run(const Statement& s, const Args&... args) {
    return Exec(s, Params(args...));
  }
  // Exec with `bytes` as one more parameter, last, sent in binary (for a
  // bytea column; any byte, NUL included).
  pqxx::result ExecWithBytes(const Statement& s, const Params& params,
                             std::string_view bytes);
  // Reference data (the calendar, deadline rules and settings) derived by
  // `load` in this transaction, or kept from an earlier transaction on the
  // same connection when the reference_version row (migration 0009, moved
  // by any change to those tables) has not moved since. The row is read
  // once per transaction, at the first call; a transaction that changes
  // reference data must not read it back through Memo.
  template <typename T>
  std::shared_ptr<const T> Memo(const std::string& key,
                                absl::FunctionRef<T()> load) {
    const int64_t version = ReferenceVersion();
    PooledConnection::Memo& m = conn_.memos[key];
    if (m.value == nullptr || m.reference_version != version) {
      m.value = std::make_shared<const T>(load());
      m.reference_version = version;
    }
    return std::static_pointer_cast<const T>(m.value);
  }

  // Executes SQL text with no parameters (migrations and DDL only).
  pqxx::result ExecScript(const std::string& sql);
  // Writes `rows` into `table` with COPY (one Params of N values per row, in
  // `columns` order; NULL where a Params holds Null).
  template <size_t N>
  void Copy(const std::string& table, const std::vector<std::string>& columns,
            const std::vector<Params>& rows) {
    pqxx::stream_to stream(txn_, table, columns);
    std::array<const char*, N> fields;
    for (const Params& row : rows) {
      const std::vector<const char*> p = row.Pointers();
      std::copy_n(p.begin(), std::min(N, p.size()), fields.begin());
      stream << fields;
    }
    stream.complete();
  }

 private:
  int64_t ReferenceVersion();

  pqxx::transaction_base& txn_;
  PooledConnection& conn_;
  std::optional<int64_t> reference_version_;
};

class Db {
 public:
  struct Options {
    // libpq connection string or URL.
    std::string url;
    // Most connections open at once.
    int max_connections = 8;
    // How long Transact waits for a free connection before UNAVAILABLE.
    absl::Duration acquire_timeout = absl::Seconds(10);
  };

  // Opens the first connection, so an unreachable database is reported
  // here (UNAVAILABLE, with libpq's reason).
  static absl::StatusOr<std::unique_ptr<Db>> Connect(Options options);
  ~Db();

  // Runs `fn` in one transaction (READ COMMITTED) and commits when it returns
  // OK; any other status, or an exception, rolls everything back. A
  // serialization failure or deadlock runs `fn` again, up to 5 times.
  // libpqxx exceptions become statuses (errors.h).
  absl::Status Transact(absl::FunctionRef<absl::Status(Tx&)> fn);

  template <typename T>
  absl::StatusOr<T> Transact(absl::FunctionRef<absl::StatusOr<T>(Tx&)> fn) {
    std::optional<T> out;
    absl::Status s = Transact([&](Tx& tx) -> absl::Status {
      absl::StatusOr<T> r = fn(tx);
      if (!r.ok()) return r.status();
      out = std::move(r).value();
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    return std::move(*out);
  }

  // Runs `fn` without a transaction block: each statement commits by
  // itself (one round trip each, no BEGIN/COMMIT). For a use case that is
  // one statement, such as a single read or a call of a function that is
  // its own transaction; errors map as in Transact, nothing is retried.
  absl::Status Autocommit(absl::FunctionRef<absl::Status(Tx&)> fn);

  const std::string& url() const { return options_.url; }
  // For the metrics: connections open (idle or in use), and idle.
  std::pair<int, int> OpenAndIdle();
  int max_connections() const { return options_.max_connections; }

 private:
  explicit Db(Options options) : options_(std::move(options)) {}
  absl::StatusOr<std::unique_ptr<PooledConnection>> Acquire();
  void Release(std::unique_ptr<PooledConnection> conn, bool healthy);
  absl::StatusOr<std::unique_ptr<PooledConnection>> Open();

  const Options options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<PooledConnection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_DB_H_
