// The files of a prepared dataset directory (written by tools/prepare_data, read by
// ParallelDataset):
//
//   data/ding-de-en/
//     manifest.json              settings, counts, sizes and SHA-256 of every file below
//     train.de  train.en         one sentence per line, line i of .de translates line i of .en
//     valid.de  valid.en
//     test.de   test.en
//     spm.model spm.vocab        the joint SentencePiece BPE model
//     spm_train.log              SentencePiece's training log (not checksummed)
//     cache/                     token ids, written by the loader on first use
//
//   std::string path = JoinPath(dir, SplitFileName("valid", "de"));  // ".../valid.de"
#ifndef CORE_DATA_DATASET_LAYOUT_H_
#define CORE_DATA_DATASET_LAYOUT_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace core {

inline constexpr char kManifestFileName[] = "manifest.json";
inline constexpr char kSubwordModelFileName[] = "spm.model";
inline constexpr char kSubwordVocabFileName[] = "spm.vocab";
inline constexpr char kSubwordLogFileName[] = "spm_train.log";
inline constexpr char kCacheDirName[] = "cache";

// The languages of the corpus, German first (the order of files in the manifest).
inline const std::vector<std::string>& DatasetLanguages() {
  static const auto* const languages = new std::vector<std::string>{"de", "en"};
  return *languages;
}

// The splits, in the order they are written.
inline const std::vector<std::string>& DatasetSplits() {
  static const auto* const splits = new std::vector<std::string>{"train", "valid", "test"};
  return *splits;
}

// "train.de" and the like.
inline std::string SplitFileName(absl::string_view split, absl::string_view language) {
  return absl::StrCat(split, ".", language);
}

// `dir` + "/" + `name` (no separator doubled).
inline std::string JoinPath(absl::string_view dir, absl::string_view name) {
  if (dir.empty()) return std::string(name);
  if (dir.back() == '/') return absl::StrCat(dir, name);
  return absl::StrCat(dir, "/", name);
}

}  // namespace core

#endif  // CORE_DATA_DATASET_LAYOUT_H_
