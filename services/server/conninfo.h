// Provides ToolConnection, how pqtrack-server hands a database URL to
// PostgreSQL's own programs (pg_dump, pg_restore) without putting its
// password on their command line, which `ps` shows to every user of the
// machine: the password goes into the child's environment (PGPASSWORD,
// readable only by its own user), the rest stays an argument.
#ifndef PQTRACK_SERVICES_SERVER_CONNINFO_H_
#define PQTRACK_SERVICES_SERVER_CONNINFO_H_

#include <string>

#include "absl/status/statusor.h"

namespace pqtrack::server {

struct ToolConnection {
  // A libpq keyword/value string, every setting of the URL but the
  // password (for --dbname=).
  std::string conninfo;
  // The URL's password, empty when it has none.
  std::string password;
};

// Splits a libpq URL (postgresql://...) or keyword/value string, as libpq
// itself reads it. INVALID_ARGUMENT, with libpq's reason, when libpq
// cannot read it.
absl::StatusOr<ToolConnection> SplitPassword(const std::string& url);

}  // namespace pqtrack::server

#endif  // PQTRACK_SERVICES_SERVER_CONNINFO_H_
