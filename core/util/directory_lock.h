// An exclusive lock on a directory, held by one live process at a time: a trainer on its
// run directory, a sweep on its sweep directory.
//
//   absl::StatusOr<DirectoryLock> lock = DirectoryLock::Acquire("runs/x");
//   // FailedPrecondition while another live process holds runs/x/.lock
//
// The lock is flock(2) on <dir>/.lock: it dies with its process, so kill -9 never leaves
// a stale lock behind, and it is released when the DirectoryLock is destroyed.
#ifndef CORE_UTIL_DIRECTORY_LOCK_H_
#define CORE_UTIL_DIRECTORY_LOCK_H_

#include <string>

#include "absl/status/statusor.h"

namespace core {

class DirectoryLock {
 public:
  // Creates `directory` if needed and locks it without waiting.
  static absl::StatusOr<DirectoryLock> Acquire(const std::string& directory);

  DirectoryLock(DirectoryLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DirectoryLock& operator=(DirectoryLock&& other) noexcept;
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;
  ~DirectoryLock();

  // <directory>/.lock.
  static std::string LockFile(const std::string& directory) { return directory + "/.lock"; }

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace core

#endif  // CORE_UTIL_DIRECTORY_LOCK_H_
