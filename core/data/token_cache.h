// SentencePiece ids of a text file, encoded once and kept on disk.
//
// Encoding is cheap for the Ding corpus but not free for larger ones, and every run and
// every sweep job would redo it. The cache key is a hash of the model's bytes and of the
// text, so a new model or edited text never meets stale ids; the file is written
// atomically, so two jobs starting together at worst both encode.
//
//   TokenCacheResult encoded = *EncodeWithCache(lines, model, model_bytes,
//                                                "data/ding-de-en/cache", "train.de");
//   encoded.ids[i]     // the ids of lines[i], without BOS/EOS
//   encoded.from_cache // false on the first call, true afterwards
#ifndef CORE_DATA_TOKEN_CACHE_H_
#define CORE_DATA_TOKEN_CACHE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/data/subword_model.h"

namespace core {

struct TokenCacheResult {
  // ids[i] encodes line i.
  std::vector<std::vector<int32_t>> ids;
  // True when read from the cache file, false when encoded now.
  bool from_cache = false;
  // The cache file used (or "" when caching was off).
  std::string cache_path;
  // Why the cache was not written, when it could not be (e.g. a read-only dataset
  // directory); the ids are still returned. "" otherwise.
  std::string warning;
};

// The ids of `lines` under `model` (whose serialized bytes are `model_bytes`). With a
// non-empty `cache_dir`, reads them from `cache_dir/<name>.<key>.ids` when present and
// valid, and otherwise encodes and writes that file (creating `cache_dir`).
absl::StatusOr<TokenCacheResult> EncodeWithCache(const std::vector<std::string>& lines,
                                                 const SubwordModel& model,
                                                 const std::string& model_bytes,
                                                 const std::string& cache_dir,
                                                 const std::string& name);

}  // namespace core

#endif  // CORE_DATA_TOKEN_CACHE_H_
