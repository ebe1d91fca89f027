// Builds a prepared dataset directory from the Debian sources: extraction, typographic
// normalisation, deduplication, the hash split, the joint SentencePiece BPE, and the
// manifest (see core/data/dataset_layout.h for the files).
//
// Everything is written into a hidden sibling directory (".NAME.partial-PID") that is
// renamed into place only when complete, so an interrupted run never leaves a directory
// that looks like a dataset. A directory built with the same settings is left alone; one
// built with other settings (or by an older builder) is replaced only with `overwrite`; a
// directory that is not a prepared dataset is never replaced.
//
//   DatasetBuildOptions options;
//   options.output_dir = "/work/main/data/ding-de-en";
//   absl::StatusOr<DatasetBuildResult> result = BuildDataset(options);
//   if (result.ok() && result->up_to_date) ...  // nothing was done
//   std::cout << result->summary;
#ifndef CORE_DATA_DATASET_BUILDER_H_
#define CORE_DATA_DATASET_BUILDER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "core/data/corpus_split.h"
#include "core/data/dataset_manifest.h"
#include "core/data/ding_extractor.h"
#include "core/data/subword_model.h"

namespace core {

// Recorded in the settings: bump it when a code change alters what is built from the same
// options (extraction, normalisation, split, SentencePiece), so old datasets are rebuilt.
inline constexpr char kDatasetBuilderVersion[] = "1";

struct DatasetBuildOptions {
  // The dataset directory to create (absolute or relative to the working directory).
  // Its parent is created when missing.
  std::string output_dir;
  // The Ding dictionary (Debian package trans-de-en).
  std::string ding_path = kDefaultDingPath;
  // Which dictionary pairs count as sentences.
  DingOptions ding;
  // Also add the LibreOffice help pairs, read from `libreoffice_root`: a directory where
  // libreoffice-help-en-us and libreoffice-help-de were unpacked with `dpkg-deb -x` (see
  // core/data/libreoffice_extractor.h).
  bool with_libreoffice = false;
  std::string libreoffice_root;
  // Pairs whose English side has more words than this are dropped (0 keeps all);
  // applied to every source, it mainly trims long LibreOffice help paragraphs.
  int max_words = 80;
  // Held-out split sizes.
  SplitOptions split;
  // The SentencePiece model (its log_path is set by the builder).
  SubwordTrainingOptions subword;
  // Replace an existing dataset that was built with other settings (tools/setup.sh sets it,
  // so the default dataset always follows the code).
  bool overwrite = false;
};

struct DatasetBuildResult {
  // True when a complete dataset with the same settings existed and nothing was done.
  bool up_to_date = false;
  // The dataset directory, absolute.
  std::string dataset_dir;
  // The manifest that was written (or found).
  DatasetManifest manifest;
  // A few human-readable lines: counts, vocabulary, where things are.
  std::string summary;
};

// The settings `options` stand for, as recorded in the manifest. Reads (and hashes) the
// source files, so a changed dictionary package counts as a change.
absl::StatusOr<DatasetSettings> DatasetBuildSettings(const DatasetBuildOptions& options);

// Builds (or finds up to date) the dataset described by `options`.
absl::StatusOr<DatasetBuildResult> BuildDataset(const DatasetBuildOptions& options);

}  // namespace core

#endif  // CORE_DATA_DATASET_BUILDER_H_
