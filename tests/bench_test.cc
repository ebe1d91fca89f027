// The bench's pieces (tools/bench): the FLOP formula against a hand count, the flag and
// result formats shared with the PyTorch peers (bench/step_common.py), the batch file and the
// step benchmark's batches and checksum, the choice of peers, child processes, and the
// reading of a trainer's metrics.jsonl.
#include <ATen/ATen.h>

#include <fstream>
#include <string>
#include <vector>

#include "core/data/batch_tensors.h"
#include "gtest/gtest.h"
#include "tools/bench/batch_file.h"
#include "tools/bench/child_process.h"
#include "tools/bench/end_to_end.h"
#include "tools/bench/flops.h"
#include "tools/bench/run_bench.h"
#include "tools/bench/step_benchmark.h"

namespace tools::bench {
namespace {

std::string TempPath(const std::string& name) {
  return std::string(getenv("TEST_TMPDIR")) + "/" + name;
}

// Two padded batches as the trainer's Batcher makes them (ids end with EOS 3, pad 0, BOS 2).
std::vector<core::Batch> TwoBatches() {
  core::Batch first;
  first.size = 2;
  first.source_width = 3;
  first.target_width = 2;
  first.source = {5, 6, 3, 7, 3, 0};
  first.decoder_input = {2, 8, 2, 9};
  first.target = {8, 3, 9, 3};
  core::Batch second;
  second.size = 1;
  second.source_width = 1;
  second.target_width = 3;
  second.source = {3};
  second.decoder_input = {2, 10, 11};
  second.target = {10, 11, 3};
  return {first, second};
}

TEST(CountStepFlopsTest, MatchesAHandCountOfEveryProduct) {
  core::ModelOptions model;
  model.embed_dim = 4;
  model.ffn_dim = 8;
  model.attention_heads = 2;
  model.encoder_layers = 1;
  model.decoder_layers = 1;
  model.target_vocab_size = 10;
  const BatchShape batch{/*sentences=*/2, /*source_length=*/3, /*target_length=*/5};
  // B·S = 6 source rows, B·T = 10 target rows; [m, k] x [k, n] costs 2mkn.
  // Encoder: q, k, v, out 4 x 2·6·4·4 = 768; scores and mix 2 x 2·(B·S)·S·d = 2 x 144 = 288;
  //   fc1, fc2 2 x 2·6·4·8 = 768.                                             Layer: 1824.
  // Decoder self-attention: 4 x 2·10·4·4 = 1280; scores and mix 2 x 2·10·5·4 = 800.
  //   Encoder attention: q, out 2 x 2·10·4·4 = 640; k, v on the source 2 x 2·6·4·4 = 384;
  //   scores and mix 2 x 2·10·3·4 = 480. fc1, fc2 2 x 2·10·4·8 = 1280.         Layer: 4864.
  // Output projection: 2·10·4·10 = 800.                          Forward: 7488; update x3.
  const StepFlops flops = CountStepFlops(model, batch);
  EXPECT_DOUBLE_EQ(flops.forward, 7488);
  EXPECT_DOUBLE_EQ(flops.update, 22464);

  model.encoder_layers = 3;
  model.decoder_layers = 2;
  EXPECT_DOUBLE_EQ(CountStepFlops(model, batch).forward, 3 * 1824 + 2 * 4864 + 800);
}

TEST(StepFlagsTest, RoundTripsEveryOption) {
  StepBenchmarkOptions options;
  options.model.embed_dim = 64;
  options.model.ffn_dim = 128;
  options.model.attention_heads = 8;
  options.model.encoder_layers = 2;
  options.model.decoder_layers = 3;
  options.model.target_vocab_size = 500;
  options.model.encoder_residual = options.model.decoder_residual = "pre";
  options.model.dropout = 0.25;
  options.batch = {7, 9, 11};
  options.warmup = 2;
  options.repeats = 4;
  options.threads = 1;
  options.lr = 0.5;
  options.batch_file = "/tmp/bench/batches.txt";
  absl::StatusOr<StepBenchmarkOptions> parsed = ParseStepFlags(StepFlags(options));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(StepFlags(*parsed), StepFlags(options));
  EXPECT_EQ(parsed->model.source_vocab_size, 500);
  EXPECT_EQ(parsed->model.decoder_residual, "pre");
  EXPECT_EQ(parsed->batch.target_length, 11);
  EXPECT_EQ(parsed->batch_file, "/tmp/bench/batches.txt");
}

TEST(StepFlagsTest, RejectsUnknownFlagsAndBadModels) {
  EXPECT_EQ(ParseStepFlags({"--embed_dims=4"}).status().message(), "unknown flag --embed_dims");
  EXPECT_FALSE(ParseStepFlags({"--repeats=x"}).ok());
  EXPECT_FALSE(ParseStepFlags({"--embed_dim=30", "--attention_heads=4"}).ok());
}

TEST(BatchFileTest, RoundTripsTheTensorsOfEveryBatch) {
  const std::string path = TempPath("round_trip.txt");
  const std::vector<core::Batch> written = TwoBatches();
  ASSERT_TRUE(WriteBatchFile(path, written).ok());
  absl::StatusOr<std::vector<core::Batch>> read = ReadBatchFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), written.size());
  for (size_t b = 0; b < written.size(); ++b) {
    const core::BatchTensors expected = core::ToTensors(written[b], at::kCPU);
    const core::BatchTensors actual = core::ToTensors((*read)[b], at::kCPU);
    EXPECT_TRUE(at::equal(actual.source, expected.source)) << "batch " << b;
    EXPECT_TRUE(at::equal(actual.decoder_input, expected.decoder_input)) << "batch " << b;
    EXPECT_TRUE(at::equal(actual.target, expected.target)) << "batch " << b;
  }
  EXPECT_EQ((*read)[1].target_width, 3);
}

TEST(BatchFileTest, RejectsMissingCutAndForeignFiles) {
  EXPECT_TRUE(absl::IsNotFound(ReadBatchFile(TempPath("no_such_file.txt")).status()));
  const std::string path = TempPath("bad.txt");
  ASSERT_TRUE(WriteBatchFile(path, TwoBatches()).ok());
  std::string text;
  {
    std::ifstream in(path);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::ofstream(path) << text.substr(0, text.rfind(' '));  // the last id cut off
  absl::Status cut = ReadBatchFile(path).status();
  EXPECT_TRUE(absl::IsDataLoss(cut));
  EXPECT_EQ(cut.message(), path + ": batch 1 is cut or malformed");
  std::ofstream(path) << text << "7\n";
  EXPECT_EQ(ReadBatchFile(path).status().message(), path + ": '7' after the last batch");
  std::ofstream(path) << "bench_batches 2\n0\n";
  EXPECT_TRUE(absl::IsDataLoss(ReadBatchFile(path).status()));
}

// A tiny Pre-LN model (no Admin profiling) on the given batches.
absl::StatusOr<StepBenchmarkOptions> TinyStepOptions(const std::string& batch_file) {
  std::vector<std::string> flags = {
      "--vocab_size=100",   "--embed_dim=8",      "--ffn_dim=16",   "--attention_heads=2",
      "--encoder_layers=1", "--decoder_layers=1", "--residual=pre", "--batch_size=4",
      "--source_length=5",  "--target_length=6",  "--warmup=1",     "--repeats=3"};
  if (!batch_file.empty()) flags.push_back("--batch_file=" + batch_file);
  return ParseStepFlags(flags);
}

TEST(RunStepBenchmarkTest, SyntheticBatchHasThePeersChecksum) {
  absl::StatusOr<StepBenchmarkOptions> options = TinyStepOptions("");
  ASSERT_TRUE(options.ok()) << options.status();
  absl::StatusOr<StepBenchmarkResult> result = RunStepBenchmark(*options);
  ASSERT_TRUE(result.ok()) << result.status();
  // What bench/step_common.py prints for the same flags.
  EXPECT_EQ(result->batch_checksum, "1078,850,1056");
  EXPECT_EQ(result->seconds.step.size(), 3u);
}

TEST(RunStepBenchmarkTest, TrainsOnEveryBatchOfABatchFile) {
  const std::string path = TempPath("step_batches.txt");
  ASSERT_TRUE(WriteBatchFile(path, TwoBatches()).ok());
  absl::StatusOr<StepBenchmarkOptions> options = TinyStepOptions(path);
  ASSERT_TRUE(options.ok()) << options.status();
  absl::StatusOr<StepBenchmarkResult> result = RunStepBenchmark(*options);
  ASSERT_TRUE(result.ok()) << result.status();
  // Source 24 + 2 x 3, decoder input 21 + 2 x 23, target 23 + 2 x 24: batch b weighs b + 1.
  EXPECT_EQ(result->batch_checksum, "30,67,71");
  EXPECT_EQ(result->seconds.step.size(), 3u);

  std::vector<core::Batch> too_large = TwoBatches();
  too_large[1].target[0] = 100;
  ASSERT_TRUE(WriteBatchFile(path, too_large).ok());
  const absl::Status status = RunStepBenchmark(*options).status();
  EXPECT_TRUE(absl::IsInvalidArgument(status));
  EXPECT_EQ(status.message(), path + " holds id 100, beyond --vocab_size=100");
}

TEST(ParsePeersTest, ReadsNamesInOrderAndRejectsUnknownOrRepeatedOnes) {
  absl::StatusOr<std::vector<Peer>> peers = ParsePeers("torch_transformer,mirror", "m.py", "t.py");
  ASSERT_TRUE(peers.ok()) << peers.status();
  ASSERT_EQ(peers->size(), 2u);
  EXPECT_EQ((*peers)[0].title, "nn.Transformer");
  EXPECT_EQ((*peers)[0].script, "t.py");
  EXPECT_FALSE((*peers)[0].same_parameters);
  EXPECT_EQ((*peers)[1].name, "mirror");
  EXPECT_EQ((*peers)[1].script, "m.py");
  EXPECT_TRUE((*peers)[1].same_parameters);
  EXPECT_TRUE(ParsePeers("", "m.py", "t.py")->empty());
  EXPECT_EQ(ParsePeers("mirror,fairseq", "m.py", "t.py").status().message(),
            "unknown peer 'fairseq' (known: mirror, torch_transformer)");
  EXPECT_EQ(ParsePeers("mirror,mirror", "m.py", "t.py").status().message(),
            "peer 'mirror' named twice");
}

TEST(StepResultTest, ParsesWhatItFormats) {
  StepBenchmarkResult result;
  result.parameters = 24736;
  result.batch_checksum = "1,2,3";
  result.threads = 2;
  result.seconds = {{0.5, 0.25}, {0.2, 0.1}, {0.2, 0.1}, {0.1, 0.05}};
  result.admin_init_seconds = {0.125};
  absl::StatusOr<StepBenchmarkResult> parsed =
      ParseStepResult(ParseKeyValues("noise\n" + FormatStepResult(result)));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->parameters, 24736);
  EXPECT_EQ(parsed->batch_checksum, "1,2,3");
  EXPECT_EQ(parsed->seconds.step, result.seconds.step);
  EXPECT_EQ(parsed->admin_init_seconds, result.admin_init_seconds);
  EXPECT_FALSE(ParseStepResult(ParseKeyValues("parameters=3\n")).ok());
}

TEST(ParseModelShapesTest, ReadsShapesAndNamesABadOne) {
  absl::StatusOr<std::vector<ModelShape>> shapes = ParseModelShapes("256:1024:4:6:6,8:16:2:1:2");
  ASSERT_TRUE(shapes.ok()) << shapes.status();
  ASSERT_EQ(shapes->size(), 2u);
  EXPECT_EQ((*shapes)[1].decoder_layers, 2);
  EXPECT_EQ(ParseModelShapes("256:1024:4:6").status().message(),
            "model shape '256:1024:4:6' is not d:ffn:heads:encoder_layers:decoder_layers");
}

TEST(RunChildTest, CapturesStdoutExitCodeAndLog) {
  const std::string log = TempPath("child.log");
  absl::StatusOr<ChildResult> child =
      RunChild({"/bin/sh", "-c", "echo a=1,2; echo \"$X\" >&2; exit 3"}, {"X=from_env"}, log);
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ(child->exit_code, 3);
  EXPECT_EQ(*Numbers(ParseKeyValues(child->output), "a"), (std::vector<double>{1, 2}));
  EXPECT_EQ(FileTail(log, 100), "from_env\n");
  EXPECT_GT(child->peak_rss_bytes, 0);
}

TEST(ReadTrainerThroughputTest, SumsTrainLines) {
  const std::string path = TempPath("metrics.jsonl");
  std::ofstream(path)
      << R"({"type":"train","update":10,"tokens_per_s":100,"update_seconds":8,"elapsed":10})"
      << "\n"
      << R"({"type":"valid","update":10,"loss":5})"
      << "\n"
      << R"({"type":"train","update":20,"tokens_per_s":50,"update_seconds":8,"elapsed":30})"
      << "\n";
  absl::StatusOr<TrainerThroughput> run = ReadTrainerThroughput(path);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->updates, 20);
  EXPECT_EQ(run->validations, 1);
  EXPECT_DOUBLE_EQ(run->train_seconds, 30);
  EXPECT_DOUBLE_EQ(run->update_seconds, 16);
  EXPECT_DOUBLE_EQ(run->target_tokens, 100 * 10 + 50 * 20);
  EXPECT_DOUBLE_EQ(run->overhead(), 14.0 / 16.0);

  std::ofstream(path) << R"({"type":"train","update":1,"tokens_per_s":1,"elapsed":1})"
                      << "\n";
  EXPECT_TRUE(absl::IsInvalidArgument(ReadTrainerThroughput(path).status()));
  // null is how the trainer writes an infinity: no number, an error rather than an exception.
  std::ofstream(path)
      << R"({"type":"train","update":1,"tokens_per_s":null,"update_seconds":1,"elapsed":1})"
      << "\n";
  EXPECT_TRUE(absl::IsInvalidArgument(ReadTrainerThroughput(path).status()));
  std::ofstream(path) << R"({"type":"valid"})"
                      << "\n"
                      << R"({"type":)"
                      << "\n";
  const absl::Status truncated = ReadTrainerThroughput(path).status();
  EXPECT_TRUE(absl::IsDataLoss(truncated));
  EXPECT_NE(truncated.message().find(path + ":2: not JSON"), absl::string_view::npos) << truncated;
}

}  // namespace
}  // namespace tools::bench
