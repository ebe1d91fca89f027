// SHA-256 against the FIPS 180-4 test vectors.
#include "core/util/sha256.h"

#include <gtest/gtest.h>

namespace core {
namespace {

TEST(Sha256Test, StandardVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, IncrementalEqualsOneShot) {
  const std::string text(200, 'x');
  for (size_t cut : {0, 1, 55, 56, 63, 64, 65, 130}) {
    Sha256 hash;
    hash.Update(text.substr(0, cut));
    hash.Update(text.substr(cut));
    const std::array<uint8_t, 32> digest = hash.Finish();
    std::string hex;
    for (uint8_t byte : digest) {
      static constexpr char kHex[] = "0123456789abcdef";
      hex += kHex[byte >> 4];
      hex += kHex[byte & 15];
    }
    EXPECT_EQ(hex, Sha256Hex(text)) << cut;
  }
}

TEST(Sha256Test, Prefix64IsTheDigestsFirstBytes) {
  EXPECT_EQ(Sha256Prefix64("abc"), 0xba7816bf8f01cfeaULL);
}

}  // namespace
}  // namespace core
