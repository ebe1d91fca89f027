#include "tools/bench/batch_file.h"

#include <cstdint>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tools::bench {
namespace {

constexpr char kMagic[] = "bench_batches";
constexpr int kVersion = 1;

// Reads `count` ids into `ids`; false at the end of the file or on a non-number.
bool ReadIds(std::istream& in, int64_t count, std::vector<int32_t>& ids) {
  ids.resize(count);
  for (int32_t& id : ids) {
    if (!(in >> id) || id < 0) return false;
  }
  return true;
}

}  // namespace

absl::Status WriteBatchFile(const std::string& path, const std::vector<core::Batch>& batches) {
  std::ofstream out(path);
  out << kMagic << " " << kVersion << "\n" << batches.size() << "\n";
  for (const core::Batch& batch : batches) {
    out << batch.size << " " << batch.source_width << " " << batch.target_width << "\n"
        << absl::StrJoin(batch.source, " ") << "\n"
        << absl::StrJoin(batch.decoder_input, " ") << "\n"
        << absl::StrJoin(batch.target, " ") << "\n";
  }
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<core::Batch>> ReadBatchFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::string magic;
  int version = 0;
  int64_t count = -1;
  if (!(in >> magic >> version >> count) || magic != kMagic || version != kVersion || count < 0) {
    return absl::DataLossError(
        absl::StrCat(path, ": not a version ", kVersion, " bench batch file"));
  }
  std::vector<core::Batch> batches;
  for (int64_t b = 0; b < count; ++b) {
    core::Batch& batch = batches.emplace_back();
    const bool ok = in >> batch.size >> batch.source_width >> batch.target_width &&
                    batch.size > 0 && batch.source_width > 0 && batch.target_width > 0 &&
                    ReadIds(in, batch.size * batch.source_width, batch.source) &&
                    ReadIds(in, batch.size * batch.target_width, batch.decoder_input) &&
                    ReadIds(in, batch.size * batch.target_width, batch.target);
    if (!ok) return absl::DataLossError(absl::StrCat(path, ": batch ", b, " is cut or malformed"));
  }
  std::string rest;
  if (in >> rest) {
    return absl::DataLossError(absl::StrCat(path, ": '", rest, "' after the last batch"));
  }
  return batches;
}

}  // namespace tools::bench
