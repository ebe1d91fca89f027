// The batch file of the bench's data mode (`--batches=data`): real batches that the bench
// parent cuts once and every step child, C++ (tools/bench/step_benchmark.cc) and PyTorch
// (bench/step_common.py, read_batch_file), trains on, so that all sides see the same tensors.
//
// Plain text, whitespace-separated integers, one line each:
//
//   bench_batches 1                      magic and format version
//   COUNT                                number of batches
//   then per batch:
//   ROWS SOURCE_WIDTH TARGET_WIDTH
//   ROWS x SOURCE_WIDTH source ids       row-major, padded (core::Batch::source)
//   ROWS x TARGET_WIDTH decoder inputs   (core::Batch::decoder_input)
//   ROWS x TARGET_WIDTH target ids       (core::Batch::target)
//
//   RETURN_IF_ERROR(WriteBatchFile("runs/bench/batches.txt", batches));
//   absl::StatusOr<std::vector<core::Batch>> read = ReadBatchFile("runs/bench/batches.txt");
#ifndef TOOLS_BENCH_BATCH_FILE_H_
#define TOOLS_BENCH_BATCH_FILE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/data/batcher.h"

namespace tools::bench {

// Writes the shapes and the three id arrays of each batch (the lengths, token counts and
// example indices are not kept).
absl::Status WriteBatchFile(const std::string& path, const std::vector<core::Batch>& batches);

// The batches of a file WriteBatchFile wrote, with size, widths, source, decoder_input and
// target set. NotFound for a missing file, DataLoss for anything else that is not a whole,
// well-formed batch file of this version.
absl::StatusOr<std::vector<core::Batch>> ReadBatchFile(const std::string& path);

}  // namespace tools::bench

#endif  // TOOLS_BENCH_BATCH_FILE_H_
