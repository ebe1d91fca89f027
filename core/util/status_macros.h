// Early-return helpers for absl::Status and absl::StatusOr (Debian's Abseil has no
// absl/status/status_macros.h).
//
//   absl::StatusOr<Config> Load(const std::string& path) {
//     ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));  // returns its error
//     RETURN_IF_ERROR(CheckNotEmpty(text, path));
//     return Parse(text);
//   }
//
// Both return the error unchanged (a function returning StatusOr<T> accepts an absl::Status);
// to add context, write the check out.
#ifndef CORE_UTIL_STATUS_MACROS_H_
#define CORE_UTIL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the calling function when `expr` (an absl::Status) is not OK.
#define RETURN_IF_ERROR(expr)                                                       \
  do {                                                                              \
    if (::absl::Status status_macros_status = (expr); !status_macros_status.ok()) { \
      return status_macros_status;                                                  \
    }                                                                               \
  } while (false)

// `lhs = *expr` when `expr` (an absl::StatusOr) holds a value, else returns its status.
// `lhs` may declare a variable (`ASSIGN_OR_RETURN(auto x, F())`); one use per line.
#define ASSIGN_OR_RETURN(lhs, expr) \
  STATUS_MACROS_ASSIGN_OR_RETURN_(STATUS_MACROS_CONCAT_(status_or_, __LINE__), lhs, expr)

#define STATUS_MACROS_ASSIGN_OR_RETURN_(statusor, lhs, expr) \
  auto statusor = (expr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = *std::move(statusor)

#define STATUS_MACROS_CONCAT_(a, b) STATUS_MACROS_CONCAT_INNER_(a, b)
#define STATUS_MACROS_CONCAT_INNER_(a, b) a##b

#endif  // CORE_UTIL_STATUS_MACROS_H_
