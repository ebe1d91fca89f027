// SHA-256 (FIPS 180-4), for the dataset manifest's checksums, cache keys and the
// stable train/valid/test split. No dependency on a crypto library for 100 lines.
//
//   std::string digest = Sha256Hex("abc");  // "ba7816bf8f01cfea..."
//
//   Sha256 hash;  // incremental
//   hash.Update(part1);
//   hash.Update(part2);
//   std::array<uint8_t, 32> bytes = hash.Finish();
#ifndef CORE_UTIL_SHA256_H_
#define CORE_UTIL_SHA256_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace core {

class Sha256 {
 public:
  Sha256();
  void Update(absl::string_view data);
  // The digest of everything passed to Update. The object must not be used afterwards.
  std::array<uint8_t, 32> Finish();

 private:
  void Compress(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_;
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// Lower-case hexadecimal digest of `data`.
std::string Sha256Hex(absl::string_view data);

// Lower-case hexadecimal digest of the file at `path` (errors name the file).
absl::StatusOr<std::string> Sha256OfFile(const std::string& path);

// The first 8 bytes of the digest of `data`, big-endian: a stable 64-bit hash.
uint64_t Sha256Prefix64(absl::string_view data);

}  // namespace core

#endif  // CORE_UTIL_SHA256_H_
