#include "tools/sweep/run_record.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "core/util/directory_lock.h"
#include "core/util/json_io.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"

namespace tools::sweep {

using core::DumpJson;
using core::JsonInteger;
using core::JsonNumber;
using core::JsonString;
using core::ParseJson;
using core::ReadJsonFile;
namespace {

using nlohmann::ordered_json;

void ReadStatus(const ordered_json& status, RunRecord& record) {
  record.state = JsonString(status, "state").value_or("running");
  record.exit_reason = JsonString(status, "exit_reason").value_or("");
  record.updates = JsonInteger(status, "updates").value_or(0);
  // The trainer writes an unknown number (and NaN, infinities) as null.
  record.best_valid_loss = JsonNumber(status, "best_valid_loss").value_or(kUnknown);
  record.initial_loss = JsonNumber(status, "initial_loss").value_or(kUnknown);
  record.valid_bleu = JsonNumber(status, "valid_bleu").value_or(kUnknown);
  record.test_bleu = JsonNumber(status, "test_bleu").value_or(kUnknown);
  record.wall_time = JsonNumber(status, "wall_time").value_or(kUnknown);
}

absl::Status ReadMetrics(const std::string& path, RunRecord& record) {
  ASSIGN_OR_RETURN(std::string text, core::ReadFileBytes(path));
  // A last line without its '\n' is one a killed trainer (or a full disk) cut short: the
  // trainer drops it on resume, and so do the results.
  text.erase(text.find_last_of('\n') + 1);
  std::istringstream lines(text);
  std::string line;
  double tokens_per_s_sum = 0;
  int tokens_per_s_count = 0;
  for (int number = 1; std::getline(lines, line); ++number) {
    ASSIGN_OR_RETURN(ordered_json metrics, ParseJson(line, absl::StrCat(path, ":", number)));
    const std::string type = JsonString(metrics, "type").value_or("");
    const std::optional<int64_t> update = JsonInteger(metrics, "update");
    if (!update) continue;
    CurvePoint point;
    point.update = *update;
    point.loss = JsonNumber(metrics, "loss").value_or(kUnknown);
    if (type == "train") {
      point.lr = JsonNumber(metrics, "lr").value_or(kUnknown);
      point.grad_norm = JsonNumber(metrics, "grad_norm").value_or(kUnknown);
      record.train_curve.push_back(point);
      if (const std::optional<double> tokens_per_s = JsonNumber(metrics, "tokens_per_s")) {
        tokens_per_s_sum += *tokens_per_s;
        ++tokens_per_s_count;
      }
    } else if (type == "valid") {
      record.valid_curve.push_back(point);
      const double ppl = JsonNumber(metrics, "ppl").value_or(kUnknown);
      if (std::isnan(record.best_valid_ppl) || ppl < record.best_valid_ppl) {
        record.best_valid_ppl = ppl;
      }
      record.last_valid_ppl = ppl;
      record.last_valid_loss = point.loss;
    }
  }
  if (tokens_per_s_count > 0) record.tokens_per_s = tokens_per_s_sum / tokens_per_s_count;
  return absl::OkStatus();
}

std::string File(const std::string& run_dir, const char* name) {
  return absl::StrCat(run_dir, "/", name);
}

// "running" in status.json with no live trainer holding the run directory: the trainer
// died without writing its end (killed, crashed).
bool IsStaleRunning(const std::string& run_dir, const std::string& state) {
  return state == "running" && core::DirectoryLock::Acquire(run_dir).ok();
}

absl::Status ReadStatusAndMetrics(const std::string& run_dir, RunRecord& record) {
  if (std::filesystem::exists(File(run_dir, "status.json"))) {
    ASSIGN_OR_RETURN(const ordered_json status, ReadJsonFile(File(run_dir, "status.json")));
    ReadStatus(status, record);
    if (IsStaleRunning(run_dir, record.state)) {
      record.state = "failed";
      record.exit_reason = "the trainer died without a final status (killed or crashed)";
    }
  }
  if (std::filesystem::exists(File(run_dir, "metrics.jsonl"))) {
    RETURN_IF_ERROR(ReadMetrics(File(run_dir, "metrics.jsonl"), record));
  }
  return absl::OkStatus();
}

}  // namespace

double CappedFinalLoss(const RunRecord& record) {
  if (record.state == "diverged") return record.initial_loss;
  if (record.state != "done") return kUnknown;
  // A run without initial_loss (written before the trainer recorded it) is not capped.
  return std::isnan(record.initial_loss) ? record.last_valid_loss
                                         : std::min(record.last_valid_loss, record.initial_loss);
}

absl::Status WriteCellFile(const std::string& run_dir, const Cell& cell) {
  ordered_json json;
  json["name"] = cell.name;
  json["index"] = cell.index;
  json["hash"] = cell.hash;
  json["axes"] = ordered_json::object();
  for (const auto& [axis, label] : cell.axes) json["axes"][axis] = label;
  json["flags"] = ordered_json::object();
  for (const auto& [key, value] : cell.flags) json["flags"][key] = value;
  return core::WriteFileAtomically(File(run_dir, "cell.json"), DumpJson(json) + "\n");
}

absl::StatusOr<RunRecord> ReadRunRecord(const std::string& run_dir) {
  if (!std::filesystem::exists(File(run_dir, "cell.json"))) {
    return absl::NotFoundError(absl::StrCat(run_dir, " has no cell.json"));
  }
  ASSIGN_OR_RETURN(ordered_json cell, ReadJsonFile(File(run_dir, "cell.json")));
  RunRecord record;
  record.name = JsonString(cell, "name").value_or("");
  record.index = static_cast<size_t>(JsonInteger(cell, "index").value_or(0));
  record.hash = JsonString(cell, "hash").value_or("");
  // ordered_json keeps the axes in the file's order, the grid's.
  if (const auto axes = cell.find("axes"); axes != cell.end() && axes->is_object()) {
    for (const auto& [axis, label] : axes->items()) {
      record.axes.emplace_back(axis,
                               label.is_string() ? label.get<std::string>() : DumpJson(label));
    }
  }
  // A damaged status.json or metrics.jsonl spoils this cell's results, not the sweep's.
  const absl::Status read = ReadStatusAndMetrics(run_dir, record);
  if (!read.ok()) {
    record.state = "damaged";
    record.exit_reason = std::string(read.message());
  }
  return record;
}

std::string ReadRunState(const std::string& run_dir) {
  if (!std::filesystem::exists(File(run_dir, "status.json"))) return "pending";
  absl::StatusOr<ordered_json> status = ReadJsonFile(File(run_dir, "status.json"));
  const std::string state =
      status.ok() ? JsonString(*status, "state").value_or("running") : "running";
  return IsStaleRunning(run_dir, state) ? "failed" : state;
}

absl::StatusOr<std::vector<RunRecord>> CollectRunRecords(const std::string& sweep_dir) {
  std::error_code error;
  std::filesystem::directory_iterator entries(sweep_dir, error);
  if (error) {
    return absl::NotFoundError(
        absl::StrCat("cannot read sweep directory ", sweep_dir, ": ", error.message()));
  }
  std::vector<RunRecord> records;
  for (const std::filesystem::directory_entry& entry : entries) {
    if (!entry.is_directory()) continue;
    absl::StatusOr<RunRecord> record = ReadRunRecord(entry.path().string());
    if (absl::IsNotFound(record.status())) continue;
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  std::sort(records.begin(), records.end(),
            [](const RunRecord& a, const RunRecord& b) { return a.index < b.index; });
  return records;
}

}  // namespace tools::sweep
