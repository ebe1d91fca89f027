#include "tools/sweep/run_record.h"

#include <algorithm>
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/util/directory_lock.h"
#include "core/util/json_line.h"
#include "core/util/text_file.h"

namespace core::sweep {
namespace {

using boost::property_tree::ptree;

absl::StatusOr<ptree> ParseJson(const std::string& text, const std::string& where) {
  ptree tree;
  try {
    std::istringstream in(text);
    boost::property_tree::read_json(in, tree);
  } catch (const boost::property_tree::json_parser_error& error) {
    return absl::DataLossError(absl::StrCat(where, ": not JSON: ", error.message()));
  }
  return tree;
}

absl::StatusOr<ptree> ReadJsonFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileBytes(path);
  if (!text.ok()) return text.status();
  return ParseJson(*text, path);
}

// A number field; NaN when absent or null (JsonLine writes NaN and infinities as null).
double Number(const ptree& tree, const std::string& key) {
  double value;
  const std::string text = tree.get<std::string>(key, "");
  return absl::SimpleAtod(text, &value) ? value : kUnknown;
}

void ReadStatus(const ptree& status, RunRecord& record) {
  record.state = status.get<std::string>("state", "running");
  record.exit_reason = status.get<std::string>("exit_reason", "");
  const double updates = Number(status, "updates");
  record.updates = std::isnan(updates) ? 0 : static_cast<int64_t>(updates);
  record.best_valid_loss = Number(status, "best_valid_loss");
  record.valid_bleu = Number(status, "valid_bleu");
  record.test_bleu = Number(status, "test_bleu");
  record.wall_time = Number(status, "wall_time");
}

absl::Status ReadMetrics(const std::string& path, RunRecord& record) {
  absl::StatusOr<std::string> text = ReadFileBytes(path);
  if (!text.ok()) return text.status();
  std::istringstream lines(*text);
  std::string line;
  double tokens_per_s_sum = 0;
  int tokens_per_s_count = 0;
  for (int number = 1; std::getline(lines, line); ++number) {
    absl::StatusOr<ptree> metrics = ParseJson(line, absl::StrCat(path, ":", number));
    if (!metrics.ok()) return metrics.status();
    const std::string type = metrics->get<std::string>("type", "");
    const double update = Number(*metrics, "update");
    if (std::isnan(update)) continue;
    const CurvePoint point{static_cast<int64_t>(update), Number(*metrics, "loss")};
    if (type == "train") {
      record.train_curve.push_back(point);
      const double tokens_per_s = Number(*metrics, "tokens_per_s");
      if (!std::isnan(tokens_per_s)) {
        tokens_per_s_sum += tokens_per_s;
        ++tokens_per_s_count;
      }
    } else if (type == "valid") {
      record.valid_curve.push_back(point);
      const double ppl = Number(*metrics, "ppl");
      if (std::isnan(record.best_valid_ppl) || ppl < record.best_valid_ppl) {
        record.best_valid_ppl = ppl;
      }
      record.last_valid_ppl = ppl;
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
  return state == "running" && DirectoryLock::Acquire(run_dir).ok();
}

}  // namespace

absl::Status WriteCellFile(const std::string& run_dir, const Cell& cell) {
  JsonLine axes, flags;
  for (const auto& [axis, label] : cell.axes) axes.Add(axis, label);
  for (const auto& [key, value] : cell.flags) flags.Add(key, value);
  return WriteFileAtomically(
      File(run_dir, "cell.json"),
      absl::StrCat("{\"name\":", JsonQuote(cell.name), ",\"index\":", cell.index,
                   ",\"hash\":", JsonQuote(cell.hash), ",\"axes\":", axes.str(),
                   ",\"flags\":", flags.str(), "}\n"));
}

absl::StatusOr<RunRecord> ReadRunRecord(const std::string& run_dir) {
  if (!std::filesystem::exists(File(run_dir, "cell.json"))) {
    return absl::NotFoundError(absl::StrCat(run_dir, " has no cell.json"));
  }
  absl::StatusOr<ptree> cell = ReadJsonFile(File(run_dir, "cell.json"));
  if (!cell.ok()) return cell.status();
  RunRecord record;
  record.name = cell->get<std::string>("name", "");
  record.index = cell->get<size_t>("index", 0);
  record.hash = cell->get<std::string>("hash", "");
  for (const auto& [axis, label] : cell->get_child("axes", ptree())) {
    record.axes.emplace_back(axis, label.data());
  }
  if (std::filesystem::exists(File(run_dir, "status.json"))) {
    absl::StatusOr<ptree> status = ReadJsonFile(File(run_dir, "status.json"));
    if (!status.ok()) return status.status();
    ReadStatus(*status, record);
    if (IsStaleRunning(run_dir, record.state)) {
      record.state = "failed";
      record.exit_reason = "the trainer died without a final status (killed or crashed)";
    }
  }
  if (std::filesystem::exists(File(run_dir, "metrics.jsonl"))) {
    if (absl::Status status = ReadMetrics(File(run_dir, "metrics.jsonl"), record); !status.ok()) {
      return status;
    }
  }
  return record;
}

std::string ReadRunState(const std::string& run_dir) {
  if (!std::filesystem::exists(File(run_dir, "status.json"))) return "pending";
  absl::StatusOr<ptree> status = ReadJsonFile(File(run_dir, "status.json"));
  const std::string state = status.ok() ? status->get<std::string>("state", "running") : "running";
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

}  // namespace core::sweep
