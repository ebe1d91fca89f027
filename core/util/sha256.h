// SHA-256 (FIPS 180-4), for the dataset manifest's checksums, cache keys and the
// stable train/valid/test split, computed by OpenSSL's libcrypto (its headers stay in
// sha256.cc).
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

// OpenSSL's EVP_MD_CTX.
struct evp_md_ctx_st;

namespace core {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(absl::string_view data);
  // The digest of everything passed to Update. The object must not be used afterwards.
  std::array<uint8_t, 32> Finish();

 private:
  evp_md_ctx_st* context_;
};

// Lower-case hexadecimal digest of `data`.
std::string Sha256Hex(absl::string_view data);

// Lower-case hexadecimal digest of the file at `path` (errors name the file).
absl::StatusOr<std::string> Sha256OfFile(const std::string& path);

// The first 8 bytes of the digest of `data`, big-endian: a stable 64-bit hash.
uint64_t Sha256Prefix64(absl::string_view data);

}  // namespace core

#endif  // CORE_UTIL_SHA256_H_
