// Everything a training run is configured by, and the flags that set it.
//
// Every field of TrainConfig is a flag (`--max_tokens=4096`), and the same key in an INI
// file given by --config (`max_tokens = 4096`); the command line wins over the file. Plugin
// options (`--betas=0.9,0.98`, `--warmup_updates=8000`) go to the chosen plugins.
// Torch-free: the sweep tool validates grids with it.
//
//   absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig(argc, argv);
//   // parsed->config.model.encoder_layers, parsed->resolved (every key -> value)
#ifndef CORE_TRAIN_TRAIN_CONFIG_H_
#define CORE_TRAIN_TRAIN_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/model/model_options.h"
#include "plugins/options.h"

namespace core {

struct TrainConfig {
  // Where logs, metrics, checkpoints and status.json go (relative: to where bazel run ran).
  std::string run_dir = "runs/default";
  // Seeds weights, dropout and the batch order.
  int64_t seed = 1;
  // "cpu", "cuda" or "cuda:N".
  std::string device = "cpu";
  // Intra-op CPU threads; 0 keeps LibTorch's default (one per core).
  int64_t threads = 0;
  // Threads that each run forward and backward on a part of every batch, with one-threaded
  // kernels (core/train/batch_shards.h); 0: one per core on a CPU when threads is 0 and the
  // precision fp32, else 1.
  int64_t batch_threads = 0;
  // Deterministic kernels on CUDA (core/train/determinism.h), for bitwise-exact resume there;
  // CPU runs are bitwise reproducible without it.
  bool deterministic = false;

  // The prepared dataset (tools/prepare_data); "" means the workspace's data/ding-de-en.
  std::string data_dir;
  // "de-en" or "en-de".
  std::string direction = "de-en";
  // "fp32", or "bf16" / "fp16" (CUDA only, with dynamic loss scaling): mixed precision, matrix
  // products in 16 bits (core/train/precision.h).
  std::string precision = "fp32";

  // Token budget per batch: batch size × longest side, padding included.
  int64_t max_tokens = 2048;
  // Batches accumulated into one update.
  int64_t update_freq = 1;

  // Model shape and residual arrangement (vocabulary sizes come from the dataset). The
  // defaults are the default run's: a small Admin model that trains on 2 CPU cores in
  // minutes (README "The default run"), not the paper's 512-wide architectures.
  ModelOptions model = [] {
    ModelOptions options;
    options.embed_dim = 256;
    options.ffn_dim = 512;
    options.attention_heads = 4;
    options.encoder_layers = options.decoder_layers = 3;
    options.encoder_residual = options.decoder_residual = "admin";
    options.dropout = 0.1;
    return options;
  }();

  // A checkpoint whose weights a new run starts from instead of --init (fine-tuning, e.g. from
  // an average); the optimizer and schedule start fresh. "": none.
  std::string restore;

  // Plugins by name, and the options the user gave them.
  // RAdam needs no warmup (docs/formulas.md §7.5), which suits a short run: the default schedule
  // decays gently from the first update.
  std::string init = "admin";
  std::string optimizer = "radam";
  std::string lr_scheduler = "inverse_sqrt_nowarmup";
  plugins::OptionMap plugin_options;
  // Peak learning rate (what the schedule scales).
  double lr = 1e-3;

  double label_smoothing = 0.1;
  // Clip the gradient's global L2 norm to this; 0 logs the norm without clipping.
  double clip_norm = 0;

  // Stop after this many updates / epochs / seconds of training; 0 means no limit (at
  // least one must be set).
  int64_t max_updates = 250;
  int64_t max_epochs = 0;
  double max_time = 0;
  // Also stop when this many validations in a row bring no new best loss; 0: never.
  int64_t patience = 0;

  // Log training metrics every N updates.
  int64_t log_interval = 50;
  // Validation loss every N updates; 0: at the end of every epoch.
  int64_t validate_interval = 0;
  // Write checkpoint_last every N updates (and at every epoch end and stop); 0: only there.
  int64_t save_interval = 0;
  // Also keep checkpoint_<update>.pt every N updates; 0: never.
  int64_t keep_interval = 0;
  // Of those, keep only the latest N (older ones removed once the new one is in place); 0: all.
  int64_t keep_last_checkpoints = 0;
  // Also keep the weights of the N best validations as checkpoint_best_<update>.pt; 0: none.
  int64_t keep_best_checkpoints = 0;

  // Decoding for BLEU (valid at the end; test with the best checkpoint).
  int64_t beam_size = 4;
  double lenpen = 1.0;
  double max_len_a = 1.2;
  int64_t max_len_b = 10;
  // Also score valid BLEU with the current model every N updates; 0: only at the end.
  int64_t bleu_interval = 0;
  // Sentences of valid/test decoded for BLEU; 0: all.
  int64_t bleu_sentences = 0;

  // A fast moving average of the loss above divergence_ratio × the slow one (after
  // divergence_warmup updates) means divergence; 0 disables that test (NaN/Inf always count).
  double divergence_ratio = 2.0;
  int64_t divergence_warmup = 100;
};

// One flag: its name, its default as text, and whether a resumed run may change it.
struct TrainFlagInfo {
  std::string name;
  std::string default_value;
  std::string help;
  // False for what shapes the model, data or optimisation: a checkpoint with another value
  // cannot be resumed under this one.
  bool changeable_on_resume = false;
};

// Defaults the trainer gives plugin options (e.g. --betas=0.9,0.98), applied when a chosen
// plugin declares the option and the user did not set it; config.ini shows them.
const plugins::OptionMap& TrainerPluginDefaults();

// config.plugin_options split among the chosen plugins.
struct ChosenPluginOptions {
  plugins::OptionMap initializer;
  plugins::OptionMap optimizer;
  plugins::OptionMap schedule;
  // Of the encoder's and the decoder's residual arrangements.
  plugins::OptionMap residual;
};

// Fails when a chosen plugin is unknown or a given option is taken by none of them.
absl::StatusOr<ChosenPluginOptions> SplitPluginOptions(const TrainConfig& config);

// Every trainer flag (not plugin options), in help order.
std::vector<TrainFlagInfo> TrainFlagInfos();

struct ParsedTrainConfig {
  TrainConfig config;
  // Every trainer flag and every given plugin option -> its value as text (config.ini).
  std::map<std::string, std::string> resolved;
  bool list_plugins = false;
  // -h/--help or --version: answered before anything else is checked.
  bool help = false;
  bool version = false;
  // --start_over: discard an earlier run's checkpoints, metrics and status in run_dir and
  // train anew (without it, a run directory that holds results is never restarted).
  bool start_over = false;
  // The help text (flags with defaults), for --help and usage errors.
  std::string usage;
};

// Parses `args` (argv without the program name): flags, plugin options, and --config=FILE.
// Errors say which flag or which file:line is wrong, and why.
absl::StatusOr<ParsedTrainConfig> ParseTrainConfig(const std::vector<std::string>& args);

// "key = A there, B here" for each key whose values differ between two resolved configs
// (`saved`: a checkpoint's, `current`: this command's), among those a resumed run may not
// change (model, data, optimisation).
std::vector<std::string> IncompatibleKeys(const std::map<std::string, std::string>& saved,
                                          const std::map<std::string, std::string>& current);

// Brings a resolved config saved by an earlier version up to date: before residual
// arrangements were plugins, every config held residual_alpha, which only the `scaled`
// arrangement takes.
void UpgradeSavedConfig(std::map<std::string, std::string>& resolved);

// The resolved config as an INI file: `key = value` lines, sorted, that --config reads back.
std::string FormatConfigIni(const std::map<std::string, std::string>& resolved);

// Reads `key = value` lines of an INI file (# and ; comments, blank lines and [section]
// headers ignored). Errors name the file and line.
struct IniEntry {
  std::string key;
  std::string value;
  int line = 0;
};
absl::StatusOr<std::vector<IniEntry>> ReadIniFile(const std::string& path);

}  // namespace core

#endif  // CORE_TRAIN_TRAIN_CONFIG_H_
