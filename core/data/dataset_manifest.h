// manifest.json of a prepared dataset: what was built, from what, and how to check it.
//
// The manifest is written last, and the settings it records decide whether a later
// `prepare_data` run can skip the work. Settings are flat string pairs (source paths and
// checksums, extraction rules, split sizes, SentencePiece options), kept in their order:
//
//   DatasetManifest manifest;
//   manifest.settings = {{"vocab_size", "8000"}, ...};
//   manifest.counts = {{"train_pairs", 18207}, ...};
//   manifest.files = {{"train.de", 812345, "9f86d0..."}, ...};
//   WriteFileAtomically(path, manifest.ToJson());
//
//   absl::StatusOr<DatasetSettings> existing = ReadManifestSettings(path);
//   std::string why = DescribeSettingsDifference(wanted, *existing);  // "" when equal
#ifndef CORE_DATA_DATASET_MANIFEST_H_
#define CORE_DATA_DATASET_MANIFEST_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace core {

// Names the manifest layout; a reader refuses other formats.
inline constexpr char kDatasetFormat[] = "admin-trainer-dataset-1";

// Setting name -> value, in a fixed order.
using DatasetSettings = std::vector<std::pair<std::string, std::string>>;

// One file of the dataset directory.
struct ManifestFile {
  // Name inside the dataset directory, e.g. "train.de".
  std::string name;
  int64_t bytes = 0;
  // Lower-case hexadecimal SHA-256 of the contents.
  std::string sha256;
};

struct DatasetManifest {
  DatasetSettings settings;
  // Counts (pairs per split, extraction statistics, vocabulary size), in order.
  std::vector<std::pair<std::string, int64_t>> counts;
  std::vector<ManifestFile> files;

  // The manifest as JSON pretty-printed with 2 spaces, ending in a newline.
  std::string ToJson() const;
};

// The settings block of a manifest written by DatasetManifest::ToJson. An error when the
// file is missing, of another format, or has no settings block.
absl::StatusOr<DatasetSettings> ReadManifestSettings(const std::string& path);

// "" when `wanted` and `existing` are equal; otherwise a short human description of the
// first differences, e.g. "vocab_size: 4000 (existing: 8000)".
std::string DescribeSettingsDifference(const DatasetSettings& wanted,
                                       const DatasetSettings& existing);

}  // namespace core

#endif  // CORE_DATA_DATASET_MANIFEST_H_
