#include "core/data/token_cache.h"

#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "core/data/dataset_layout.h"
#include "core/util/sha256.h"
#include "core/util/text_file.h"

namespace core {
namespace {

// File layout, host byte order (little-endian on every supported machine; a foreign file
// fails the magic check and is re-encoded):
//   8 bytes  magic "ADMTOK01"
//   uint64   number of lines N
//   uint64   number of ids T
//   uint32   length of each line's ids, N times
//   int32    the ids, T times
constexpr char kMagic[] = "ADMTOK01";
constexpr size_t kMagicSize = 8;

template <typename T>
void AppendRaw(const T& value, std::string* out) {
  out->append(reinterpret_cast<const char*>(&value), sizeof(T));
}

std::string Serialize(const std::vector<std::vector<int32_t>>& ids) {
  uint64_t total = 0;
  for (const auto& line : ids) total += line.size();
  std::string out(kMagic, kMagicSize);
  AppendRaw(static_cast<uint64_t>(ids.size()), &out);
  AppendRaw(total, &out);
  for (const auto& line : ids) AppendRaw(static_cast<uint32_t>(line.size()), &out);
  for (const auto& line : ids) {
    out.append(reinterpret_cast<const char*>(line.data()), line.size() * sizeof(int32_t));
  }
  return out;
}

// False when `bytes` is not a well-formed cache of `expected_lines` lines.
bool Deserialize(const std::string& bytes, size_t expected_lines,
                 std::vector<std::vector<int32_t>>* ids) {
  const size_t header = kMagicSize + 2 * sizeof(uint64_t);
  if (bytes.size() < header || bytes.compare(0, kMagicSize, kMagic) != 0) return false;
  uint64_t lines, total;
  std::memcpy(&lines, bytes.data() + kMagicSize, sizeof(lines));
  std::memcpy(&total, bytes.data() + kMagicSize + sizeof(lines), sizeof(total));
  if (lines != expected_lines ||
      bytes.size() != header + lines * sizeof(uint32_t) + total * sizeof(int32_t)) {
    return false;
  }
  const char* lengths = bytes.data() + header;
  const char* data = lengths + lines * sizeof(uint32_t);
  ids->assign(lines, {});
  uint64_t used = 0;
  for (uint64_t i = 0; i < lines; ++i) {
    uint32_t length;
    std::memcpy(&length, lengths + i * sizeof(uint32_t), sizeof(length));
    if (used + length > total) return false;
    (*ids)[i].resize(length);
    std::memcpy((*ids)[i].data(), data + used * sizeof(int32_t), length * sizeof(int32_t));
    used += length;
  }
  return used == total;
}

}  // namespace

absl::StatusOr<TokenCacheResult> EncodeWithCache(const std::vector<std::string>& lines,
                                                 const SubwordModel& model,
                                                 const std::string& model_bytes,
                                                 const std::string& cache_dir,
                                                 const std::string& name) {
  TokenCacheResult result;
  if (!cache_dir.empty()) {
    Sha256 key;
    key.Update(kMagic);
    key.Update(model_bytes);
    for (const std::string& line : lines) {
      key.Update(line);
      key.Update("\n");
    }
    std::string hex;
    for (uint8_t byte : key.Finish())
      hex += absl::StrCat(absl::Hex(static_cast<unsigned>(byte), absl::kZeroPad2));
    result.cache_path = JoinPath(cache_dir, absl::StrCat(name, ".", hex.substr(0, 16), ".ids"));
    absl::StatusOr<std::string> cached = ReadFileBytes(result.cache_path);
    if (cached.ok() && Deserialize(*cached, lines.size(), &result.ids)) {
      result.from_cache = true;
      return result;
    }
  }
  result.ids.reserve(lines.size());
  for (const std::string& line : lines) {
    absl::StatusOr<std::vector<int>> ids = model.Encode(line);
    if (!ids.ok()) return ids.status();
    result.ids.emplace_back(ids->begin(), ids->end());
  }
  if (!cache_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(cache_dir, error);
    absl::Status written = error ? absl::UnavailableError(absl::StrCat("cannot create ", cache_dir,
                                                                       ": ", error.message()))
                                 : WriteFileAtomically(result.cache_path, Serialize(result.ids));
    if (!written.ok()) result.warning = std::string(written.message());
  }
  return result;
}

}  // namespace core
