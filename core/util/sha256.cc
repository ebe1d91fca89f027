#include "core/util/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "core/util/status_macros.h"
#include "core/util/text_file.h"

namespace core {

namespace {

// A failing libcrypto call means a broken libcrypto or no memory: nothing a caller can handle.
void Require(bool ok, const char* call) {
  if (ok) return;
  std::fprintf(stderr, "OpenSSL's %s failed computing a SHA-256 digest\n", call);
  std::abort();
}

}  // namespace

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  Require(context_ != nullptr, "EVP_MD_CTX_new");
  Require(EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) == 1, "EVP_DigestInit_ex");
}

Sha256::~Sha256() { EVP_MD_CTX_free(context_); }

void Sha256::Update(absl::string_view data) {
  Require(EVP_DigestUpdate(context_, data.data(), data.size()) == 1, "EVP_DigestUpdate");
}

std::array<uint8_t, 32> Sha256::Finish() {
  std::array<uint8_t, 32> digest;
  unsigned int length = 0;
  Require(EVP_DigestFinal_ex(context_, digest.data(), &length) == 1 && length == digest.size(),
          "EVP_DigestFinal_ex");
  return digest;
}

std::string Sha256Hex(absl::string_view data) {
  Sha256 hash;
  hash.Update(data);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t byte : hash.Finish()) {
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

absl::StatusOr<std::string> Sha256OfFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(path));
  return Sha256Hex(bytes);
}

uint64_t Sha256Prefix64(absl::string_view data) {
  Sha256 hash;
  hash.Update(data);
  const std::array<uint8_t, 32> digest = hash.Finish();
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | digest[i];
  return value;
}

}  // namespace core
