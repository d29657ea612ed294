// Provides PQ_RETURN_IF_ERROR and PQ_ASSIGN_OR_RETURN, the two propagation
// macros Abseil 20220623 does not ship.
#ifndef PQTRACK_SERVICES_COMMON_STATUS_MACROS_H_
#define PQTRACK_SERVICES_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define PQ_STATUS_CONCAT_INNER_(a, b) a##b
#define PQ_STATUS_CONCAT_(a, b) PQ_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) and returns it from the enclosing
// function when it is not OK.
#define PQ_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status pq_status_ = (expr);      \
    if (!pq_status_.ok()) return pq_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status when it is not
// OK, otherwise moves the value into `lhs` (which may be a declaration).
#define PQ_ASSIGN_OR_RETURN(lhs, rexpr)                                     \
  PQ_ASSIGN_OR_RETURN_IMPL_(PQ_STATUS_CONCAT_(pq_statusor_, __LINE__), lhs, \
                            rexpr)

#define PQ_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr)    \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // PQTRACK_SERVICES_COMMON_STATUS_MACROS_H_
