#include "core/train/run_directory.h"

#include <glog/logging.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/util/json_io.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"

namespace core {

absl::StatusOr<std::unique_ptr<RunDirectory>> RunDirectory::Open(const std::string& path) {
  absl::StatusOr<DirectoryLock> lock = DirectoryLock::Acquire(path);
  if (absl::IsFailedPrecondition(lock.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "run directory ", path, " is in use by another live trainer (", lock.status().message(),
        "); wait for it, stop it, or choose another --run_dir"));
  }
  if (!lock.ok()) return lock.status();
  return std::unique_ptr<RunDirectory>(new RunDirectory(path, *std::move(lock)));
}

std::string RunDirectory::File(absl::string_view name) const {
  return absl::StrCat(path_, "/", name);
}

absl::Status RunDirectory::WriteStatus(const RunStatus& status) const {
  const nlohmann::ordered_json json = {
      {"state", status.state},           {"updates", status.updates},
      {"epoch", status.epoch},           {"best_valid_loss", status.best_valid_loss},
      {"initial_loss", status.initial_loss},
      {"valid_bleu", status.valid_bleu}, {"test_bleu", status.test_bleu},
      {"wall_time", status.train_time},  {"exit_reason", status.exit_reason}};
  return WriteFileAtomically(File("status.json"), DumpJson(json) + "\n");
}

absl::Status RunDirectory::AppendMetrics(const nlohmann::ordered_json& line) const {
  std::ofstream out(File("metrics.jsonl"), std::ios::app);
  out << DumpJson(line) << "\n";
  out.flush();
  if (!out) return absl::DataLossError(absl::StrCat("cannot append to ", File("metrics.jsonl")));
  return absl::OkStatus();
}

absl::Status RunDirectory::TruncateMetricsAfter(int64_t update) const {
  const std::string path = File("metrics.jsonl");
  if (!std::filesystem::exists(path)) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::string text, ReadFileBytes(path));
  std::string kept;
  size_t start = 0;
  int64_t line_number = 0;
  // A last line without its '\n' is the fragment of a process killed while appending it:
  // dropped. Any other line must be a whole metrics object: one that is not was damaged or
  // edited, and is an error rather than silently lost.
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    const absl::string_view line(text.data() + start, end - start);
    const std::string where = absl::StrCat(path, ":", ++line_number);
    absl::StatusOr<nlohmann::ordered_json> metrics = ParseJson(line, where);
    const std::optional<int64_t> line_update =
        metrics.ok() ? JsonInteger(*metrics, "update") : std::nullopt;
    if (!line_update) {
      return absl::DataLossError(
          absl::StrCat(where, " is not a metrics line (",
                       metrics.ok() ? "no integer \"update\"" : metrics.status().message(),
                       "); repair or remove that line to resume"));
    }
    if (*line_update <= update) absl::StrAppend(&kept, line, "\n");
  }
  return WriteFileAtomically(path, kept);
}

std::vector<std::string> RunDirectory::EntryNames() const {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(path_, error)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> RunDirectory::EarlierResults() const {
  std::vector<std::string> results;
  for (const std::string& name : EntryNames()) {
    if (absl::StartsWith(name, "checkpoint_") && absl::EndsWith(name, ".pt")) {
      results.push_back(name);
    }
  }
  absl::StatusOr<nlohmann::ordered_json> status = ReadJsonFile(File("status.json"));
  const std::string state = status.ok() ? JsonString(*status, "state").value_or("") : "";
  if (state == "done" || state == "diverged") {
    results.push_back(absl::StrCat("status.json (", state, ")"));
  }
  return results;
}

absl::Status RunDirectory::DiscardResults() const {
  int removed = 0;
  for (const std::string& name : EntryNames()) {
    if (!absl::StartsWith(name, "checkpoint_") && !absl::EndsWith(name, ".hyp") &&
        name != "metrics.jsonl" && name != "status.json" && name != "profile.ratio.init") {
      continue;
    }
    std::error_code error;
    if (!std::filesystem::remove(File(name), error) && error) {
      return absl::InternalError(
          absl::StrCat("--start_over: cannot remove ", File(name), ": ", error.message()));
    }
    ++removed;
  }
  LOG(INFO) << "--start_over: removed " << removed << " files of an earlier run in " << path_;
  return absl::OkStatus();
}

std::vector<std::pair<int64_t, std::string>> KeptCheckpoints(const std::string& dir) {
  std::vector<std::pair<int64_t, std::string>> kept;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    int64_t update = 0;
    if (absl::StartsWith(name, "checkpoint_") && absl::EndsWith(name, ".pt") &&
        absl::SimpleAtoi(name.substr(11, name.size() - 14), &update)) {
      kept.emplace_back(update, entry.path().string());
    }
  }
  std::sort(kept.begin(), kept.end());
  return kept;
}

absl::Status RunDirectory::KeepLastUpdateCheckpoints(int64_t keep) const {
  const std::vector<std::pair<int64_t, std::string>> kept = KeptCheckpoints(path_);
  for (size_t i = 0; i + keep < kept.size(); ++i) {
    std::error_code error;
    if (!std::filesystem::remove(kept[i].second, error) && error) {
      return absl::InternalError(
          absl::StrCat("cannot remove ", kept[i].second, ": ", error.message()));
    }
  }
  return absl::OkStatus();
}

void RunDirectory::RemoveStaleTemporaries() const {
  for (const std::string& name : EntryNames()) {
    if (!absl::EndsWith(name, ".tmp") && !absl::StrContains(name, ".tmp-")) continue;
    LOG(INFO) << "removing " << name << ", left by a process killed while writing it";
    std::error_code error;
    std::filesystem::remove(File(name), error);
  }
}

}  // namespace core
