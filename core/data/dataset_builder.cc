#include "core/data/dataset_builder.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/data/dataset_layout.h"
#include "core/data/libreoffice_extractor.h"
#include "core/data/text_normalizer.h"
#include "core/util/sha256.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"
#include "core/util/utf8.h"

namespace core {
namespace {

namespace fs = std::filesystem;

// Files every complete dataset has (the manifest lists them with checksums).
std::vector<std::string> DatasetFileNames() {
  std::vector<std::string> names;
  for (const std::string& split : DatasetSplits()) {
    for (const std::string& language : DatasetLanguages()) {
      names.push_back(SplitFileName(split, language));
    }
  }
  names.push_back(kSubwordModelFileName);
  names.push_back(kSubwordVocabFileName);
  return names;
}

std::string MissingFiles(const fs::path& dir) {
  std::vector<std::string> missing;
  for (const std::string& name : DatasetFileNames()) {
    std::error_code error;
    if (!fs::is_regular_file(dir / name, error)) missing.push_back(name);
  }
  return absl::StrJoin(missing, ", ");
}

absl::Status FilesystemError(const std::string& what, const std::error_code& error) {
  return absl::UnavailableError(absl::StrCat(what, ": ", error.message()));
}

// Removes ".NAME.partial-PID" and ".NAME.old-PID" siblings left by runs that died (their
// process no longer exists); those of a live concurrent run are left alone.
void RemoveStaleTemporaries(const fs::path& parent, const std::string& name) {
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(parent, error)) {
    const std::string entry_name = entry.path().filename().string();
    for (const char* kind : {".partial-", ".old-"}) {
      const std::string prefix = absl::StrCat(".", name, kind);
      int pid = 0;
      if (!absl::StartsWith(entry_name, prefix) ||
          !absl::SimpleAtoi(entry_name.substr(prefix.size()), &pid) || pid <= 0) {
        continue;
      }
      if (::kill(pid, 0) == -1 && errno == ESRCH) fs::remove_all(entry.path(), error);
    }
  }
}

std::string WithThousands(int64_t value) {
  std::string digits = absl::StrCat(value < 0 ? -value : value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return value < 0 ? "-" + digits : digits;
}

int64_t CountOf(const DatasetManifest& manifest, absl::string_view name) {
  for (const auto& [count_name, value] : manifest.counts) {
    if (count_name == name) return value;
  }
  return -1;
}

std::string Summarize(const DatasetManifest& manifest) {
  const auto count = [&](absl::string_view name) { return WithThousands(CountOf(manifest, name)); };
  std::string out = absl::StrCat("  Ding: ", count("ding_unique_pairs"), " unique pairs (",
                                 count("ding_unique_german"), " unique German sides) from ",
                                 count("ding_lines"), " dictionary lines\n");
  if (CountOf(manifest, "libreoffice_unique_pairs") >= 0) {
    absl::StrAppend(&out, "  LibreOffice help: ", count("libreoffice_unique_pairs"),
                    " unique pairs\n");
  }
  absl::StrAppend(&out, "  after normalisation, length filter and deduplication: ", count("pairs"),
                  " pairs\n", "  split: ", count("train_pairs"), " train, ", count("valid_pairs"),
                  " valid, ", count("test_pairs"), " test\n",
                  "  SentencePiece: ", count("vocab_size"), " pieces, ",
                  count("subword_roundtrip_mismatches"), " lines not restored by decode\n");
  return out;
}

// Writes the dataset into `dir` (an empty directory) and returns its manifest.
absl::StatusOr<DatasetManifest> WriteDataset(const DatasetBuildOptions& options,
                                             const DatasetSettings& settings, const fs::path& dir) {
  DatasetManifest manifest;
  manifest.settings = settings;
  auto& counts = manifest.counts;

  ASSIGN_OR_RETURN(DingCorpus ding, ExtractDingFile(options.ding_path, options.ding));
  counts.emplace_back("ding_lines", ding.stats.lines);
  counts.emplace_back("ding_malformed_lines", ding.stats.malformed_lines);
  counts.emplace_back("ding_candidate_pairs", ding.stats.candidate_pairs);
  counts.emplace_back("ding_sentence_pairs", ding.stats.sentence_pairs);
  counts.emplace_back("ding_unique_pairs", ding.stats.unique_pairs);
  counts.emplace_back("ding_unique_german", ding.stats.unique_german);
  std::vector<SentencePair> raw = std::move(ding.pairs);

  if (options.with_libreoffice) {
    ASSIGN_OR_RETURN(LibreOfficeCorpus help, ExtractLibreOfficeHelp(options.libreoffice_root));
    counts.emplace_back("libreoffice_pages", help.stats.paired_pages);
    counts.emplace_back("libreoffice_aligned_elements", help.stats.aligned_elements);
    counts.emplace_back("libreoffice_untranslated", help.stats.untranslated);
    counts.emplace_back("libreoffice_unique_pairs", help.stats.unique_pairs);
    raw.insert(raw.end(), help.pairs.begin(), help.pairs.end());
  }

  // Normalise, drop over-long pairs, then deduplicate: typographic variants of one
  // sentence ("They’re" / "They're") become one pair.
  std::vector<SentencePair> pairs;
  std::set<SentencePair> seen;
  int64_t too_long = 0;
  for (const SentencePair& pair : raw) {
    SentencePair normalized{NormalizeTypography(pair.german), NormalizeTypography(pair.english)};
    if (normalized.german.empty() || normalized.english.empty()) continue;
    if (options.max_words > 0 &&
        (static_cast<int>(SplitOnWhitespace(normalized.german).size()) > options.max_words ||
         static_cast<int>(SplitOnWhitespace(normalized.english).size()) > options.max_words)) {
      ++too_long;
      continue;
    }
    if (seen.insert(normalized).second) pairs.push_back(std::move(normalized));
  }
  std::set<std::string> german;
  for (const SentencePair& pair : pairs) german.insert(pair.german);
  counts.emplace_back("dropped_too_long", too_long);
  counts.emplace_back("pairs", static_cast<int64_t>(pairs.size()));
  counts.emplace_back("unique_german", static_cast<int64_t>(german.size()));

  ASSIGN_OR_RETURN(CorpusSplit split, SplitCorpus(pairs, options.split));
  const std::vector<std::pair<std::string, const std::vector<SentencePair>*>> splits = {
      {"train", &split.train}, {"valid", &split.valid}, {"test", &split.test}};
  std::vector<std::string> all_lines;
  std::vector<std::string> training_text;
  for (const auto& [name, split_pairs] : splits) {
    counts.emplace_back(absl::StrCat(name, "_pairs"), static_cast<int64_t>(split_pairs->size()));
    std::vector<std::string> de, en;
    for (const SentencePair& pair : *split_pairs) {
      de.push_back(pair.german);
      en.push_back(pair.english);
    }
    for (const auto& [language, lines] : {std::make_pair("de", &de), std::make_pair("en", &en)}) {
      const fs::path path = dir / SplitFileName(name, language);
      RETURN_IF_ERROR(WriteFileAtomically(path.string(), JoinLines(*lines)));
      all_lines.insert(all_lines.end(), lines->begin(), lines->end());
      if (name == "train") training_text.insert(training_text.end(), lines->begin(), lines->end());
    }
  }

  SubwordTrainingOptions subword = options.subword;
  subword.log_path = (dir / kSubwordLogFileName).string();
  const fs::path model_prefix = dir / "spm";
  if (absl::Status trained = SubwordModel::Train(training_text, subword, model_prefix.string());
      !trained.ok()) {
    return absl::Status(
        trained.code(),
        absl::StrCat(trained.message(), " (log: ", (dir / kSubwordLogFileName).string(), ")"));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<SubwordModel> model,
                   SubwordModel::Load((dir / kSubwordModelFileName).string()));
  int64_t mismatches = 0;
  for (const std::string& line : all_lines) {
    ASSIGN_OR_RETURN(std::vector<int> ids, model->Encode(line));
    ASSIGN_OR_RETURN(std::string decoded, model->Decode(ids));
    if (decoded != line) ++mismatches;
  }
  counts.emplace_back("vocab_size", model->vocab_size());
  counts.emplace_back("subword_roundtrip_mismatches", mismatches);

  for (const std::string& name : DatasetFileNames()) {
    ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes((dir / name).string()));
    manifest.files.push_back({name, static_cast<int64_t>(bytes.size()), Sha256Hex(bytes)});
  }
  RETURN_IF_ERROR(WriteFileAtomically((dir / kManifestFileName).string(), manifest.ToJson()));
  return manifest;
}

}  // namespace

absl::StatusOr<DatasetSettings> DatasetBuildSettings(const DatasetBuildOptions& options) {
  absl::StatusOr<std::string> ding_sha256 = Sha256OfFile(options.ding_path);
  if (absl::IsNotFound(ding_sha256.status())) {
    return absl::NotFoundError(
        absl::StrCat(options.ding_path,
                     ": no such file; install the Debian package trans-de-en (tools/setup.sh "
                     "does)"));
  }
  if (!ding_sha256.ok()) return ding_sha256.status();
  DatasetSettings settings = {
      {"builder_version", kDatasetBuilderVersion},
      {"ding_path", options.ding_path},
      {"ding_sha256", *ding_sha256},
      {"ding_rules",
       "sides split on ' :: ', sub-entries on ' | ' aligned by position, alternatives on '; ' "
       "paired in order when equal in number else first with first; {...} [...] <...> "
       "removed, (...) kept, white space collapsed"},
      {"ding_min_german_words", absl::StrCat(options.ding.min_german_words)},
      {"ding_sentence_final", options.ding.sentence_final},
      {"with_libreoffice", options.with_libreoffice ? "true" : "false"},
  };
  if (options.with_libreoffice) {
    ASSIGN_OR_RETURN(std::string fingerprint, LibreOfficeFingerprint(options.libreoffice_root));
    settings.insert(settings.end(),
                    {{"libreoffice_root", options.libreoffice_root},
                     {"libreoffice_fingerprint", fingerprint},
                     {"libreoffice_rules",
                      "pages of help/{en-US,de}/text paired by path, <p> <h1>-<h6> <td> "
                      "elements by id; tags stripped, entities unescaped, white space "
                      "collapsed; empty or identical sides dropped"}});
  }
  std::vector<std::string> flags;
  for (const auto& [flag, value] : options.subword.TrainerFlags()) {
    flags.push_back(absl::StrCat(flag, "=", value));
  }
  settings.insert(settings.end(),
                  {
                      {"normalization", kTypographyVersion},
                      {"max_words", absl::StrCat(options.max_words)},
                      {"deduplication", "identical (German, English) after normalisation"},
                      {"split_rule",
                       "groups of equal German side ordered by SHA-256 prefix; valid, test, "
                       "then train"},
                      {"valid_pairs", absl::StrCat(options.split.valid_pairs)},
                      {"test_pairs", absl::StrCat(options.split.test_pairs)},
                      {"subword_training_text", "train split, German lines then English lines"},
                      {"subword_seed", absl::StrCat(options.subword.seed)},
                      {"subword_trainer_flags", absl::StrJoin(flags, ",")},
                  });
  return settings;
}

namespace {

// Whether the dataset already at `output` was built with `settings` and is complete (then
// `result` describes it). One built with other settings is an error without `overwrite`;
// a directory that is not a prepared dataset is an error always (never replaced).
absl::StatusOr<bool> CheckExistingDataset(const fs::path& output, const DatasetSettings& settings,
                                          bool overwrite, DatasetBuildResult& result) {
  std::error_code error;
  if (!fs::exists(output, error)) return false;
  const fs::path manifest_path = output / kManifestFileName;
  absl::StatusOr<DatasetSettings> existing = ReadManifestSettings(manifest_path.string());
  if (!existing.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(output.string(), " exists and is not a prepared dataset (",
                     existing.status().message(), "); remove it or choose another --output_dir"));
  }
  const std::string difference = DescribeSettingsDifference(settings, *existing);
  const std::string missing = MissingFiles(output);
  if (difference.empty() && missing.empty()) {
    result.up_to_date = true;
    result.manifest.settings = *existing;
    result.summary = absl::StrCat(output.string(), " is up to date (same settings); skipping\n");
    return true;
  }
  if (overwrite) return false;
  const std::string reason = difference.empty()
                                 ? absl::StrCat("lacks ", missing)
                                 : absl::StrCat("was built with other settings: ", difference);
  return absl::FailedPreconditionError(
      absl::StrCat(output.string(), " exists and ", reason,
                   "; pass --overwrite to replace it, or choose another --output_dir"));
}

// Renames the complete dataset at `temporary` to `output`. With an old dataset there, it is
// renamed aside first and removed after: at every moment `output` is either the old or the
// new complete dataset, or (between the two renames) absent.
absl::Status MoveIntoPlace(const fs::path& temporary, const fs::path& output) {
  std::error_code error;
  const fs::path old =
      output.parent_path() / absl::StrCat(".", output.filename().string(), ".old-", ::getpid());
  const bool replacing = fs::exists(output, error);
  if (replacing) {
    fs::rename(output, old, error);
    if (error) {
      fs::remove_all(temporary, error);
      return FilesystemError(absl::StrCat("cannot move ", output.string(), " aside"), error);
    }
  }
  fs::rename(temporary, output, error);
  if (error) {
    const std::error_code rename_error = error;
    if (replacing) fs::rename(old, output, error);
    fs::remove_all(temporary, error);
    return FilesystemError(absl::StrCat("cannot rename the new dataset to ", output.string()),
                           rename_error);
  }
  if (replacing) fs::remove_all(old, error);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DatasetBuildResult> BuildDataset(const DatasetBuildOptions& options) {
  if (options.output_dir.empty()) return absl::InvalidArgumentError("no output directory given");
  fs::path output = fs::absolute(options.output_dir).lexically_normal();
  if (!output.has_filename()) output = output.parent_path();
  const std::string name = output.filename().string();
  if (name.empty() || name == "." || name == "..") {
    return absl::InvalidArgumentError(
        absl::StrCat("output directory ", options.output_dir, " has no usable name"));
  }
  const fs::path parent = output.parent_path();
  ASSIGN_OR_RETURN(const DatasetSettings settings, DatasetBuildSettings(options));

  DatasetBuildResult result;
  result.dataset_dir = output.string();
  ASSIGN_OR_RETURN(const bool up_to_date,
                   CheckExistingDataset(output, settings, options.overwrite, result));
  if (up_to_date) return result;

  std::error_code error;
  if (!fs::create_directories(parent, error) && error) {
    return FilesystemError(absl::StrCat("cannot create ", parent.string()), error);
  }
  RemoveStaleTemporaries(parent, name);
  const fs::path temporary = parent / absl::StrCat(".", name, ".partial-", ::getpid());
  fs::remove_all(temporary, error);
  if (!fs::create_directory(temporary, error)) {
    return FilesystemError(absl::StrCat("cannot create ", temporary.string()), error);
  }
  absl::StatusOr<DatasetManifest> manifest = WriteDataset(options, settings, temporary);
  if (!manifest.ok()) {
    fs::remove_all(temporary, error);
    return manifest.status();
  }
  RETURN_IF_ERROR(MoveIntoPlace(temporary, output));
  result.manifest = *std::move(manifest);
  result.summary = absl::StrCat("built ", output.string(), "\n", Summarize(result.manifest));
  return result;
}

}  // namespace core
