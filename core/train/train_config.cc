#include "core/train/train_config.h"

#include <boost/program_options.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/train/flag_help.h"
#include "core/train/plugin_flags.h"
#include "core/train/precision.h"
#include "core/util/status_macros.h"
#include "core/util/user_path.h"
#include "plugins/closest_match.h"
#include "plugins/initializer.h"
#include "plugins/lr_schedule.h"
#include "plugins/optimizer_family.h"
#include "plugins/plugin_options.h"
#include "plugins/residual.h"

namespace core {
namespace {

namespace po = boost::program_options;

// Text <-> value for each field type.
std::string Format(int64_t value) { return absl::StrCat(value); }
std::string Format(double value) { return plugins::FormatDouble(value); }
std::string Format(bool value) { return value ? "true" : "false"; }
std::string Format(const std::string& value) { return value; }

absl::Status Parse(const std::string& text, int64_t* value) {
  return absl::SimpleAtoi(text, value) ? absl::OkStatus()
                                       : absl::InvalidArgumentError("is not an integer");
}
absl::Status Parse(const std::string& text, double* value) {
  return absl::SimpleAtod(text, value) ? absl::OkStatus()
                                       : absl::InvalidArgumentError("is not a number");
}
absl::Status Parse(const std::string& text, bool* value) {
  return absl::SimpleAtob(text, value) ? absl::OkStatus()
                                       : absl::InvalidArgumentError("is not true or false");
}
absl::Status Parse(const std::string& text, std::string* value) {
  *value = text;
  return absl::OkStatus();
}

// One flag bound to one field of TrainConfig.
struct Field {
  TrainFlagInfo info;
  std::function<std::string(const TrainConfig&)> get;
  std::function<absl::Status(const std::string&, TrainConfig&)> set;
};

template <typename T, typename Access>
Field MakeField(std::string name, Access access, std::string help, bool changeable) {
  Field field;
  TrainConfig defaults;
  field.info = {name, Format(access(defaults)), std::move(help), changeable};
  field.get = [access](const TrainConfig& config) {
    return Format(access(const_cast<TrainConfig&>(config)));
  };
  field.set = [access](const std::string& text, TrainConfig& config) {
    T value;
    absl::Status status = Parse(std::string(absl::StripAsciiWhitespace(text)), &value);
    if (status.ok()) access(config) = value;
    return status;
  };
  return field;
}

#define CONFIG_FIELD(NAME, HELP, CHANGEABLE)                                              \
  MakeField<decltype(TrainConfig::NAME)>(                                                 \
      #NAME, [](TrainConfig& c) -> decltype(TrainConfig::NAME)& { return c.NAME; }, HELP, \
      CHANGEABLE)
#define MODEL_FIELD(NAME, HELP)                                                                  \
  MakeField<decltype(ModelOptions::NAME)>(                                                       \
      #NAME, [](TrainConfig& c) -> decltype(ModelOptions::NAME)& { return c.model.NAME; }, HELP, \
      false)

// The trainer's flags as --help groups them.
struct FieldGroup {
  const char* caption;
  std::vector<Field> fields;
};

const std::vector<FieldGroup>& FieldGroups() {
  static const auto* groups = new std::vector<FieldGroup>{
      {"run",
       {
           CONFIG_FIELD(run_dir, "run directory (relative: to where bazel run was called)", true),
           CONFIG_FIELD(seed, "seed of weights, dropout and batch order", false),
           CONFIG_FIELD(device, "cpu, cuda or cuda:N", true),
           CONFIG_FIELD(threads, "intra-op CPU threads; 0: LibTorch's default", true),
           CONFIG_FIELD(batch_threads,
                        "threads that each run forward and backward on a part of every batch; "
                        "0: one per core on a CPU with --threads=0 and fp32, else 1",
                        true),
           CONFIG_FIELD(deterministic,
                        "deterministic CUDA kernels (bitwise-exact resume on a GPU; slower)", true),
           CONFIG_FIELD(precision,
                        "fp32, or bf16 / fp16 (CUDA; loss scaling): matrix products in 16 bits, "
                        "the rest fp32",
                        false),
       }},
      {"data",
       {
           CONFIG_FIELD(data_dir, "prepared dataset directory; \"\": <workspace>/data/ding-de-en",
                        false),
           CONFIG_FIELD(direction, "translation direction: de-en or en-de", false),
           CONFIG_FIELD(max_tokens, "token budget per batch (batch size x longest side)", false),
           CONFIG_FIELD(update_freq, "batches accumulated per update", false),
           MODEL_FIELD(max_positions, "longest sentence in tokens (longer pairs are dropped)"),
       }},
      {"model",
       {
           MODEL_FIELD(embed_dim, "model width d"),
           MODEL_FIELD(ffn_dim, "feed-forward hidden width"),
           MODEL_FIELD(attention_heads, "attention heads (must divide embed_dim)"),
           MODEL_FIELD(encoder_layers, "encoder layers N"),
           MODEL_FIELD(decoder_layers, "decoder layers M"),
           MODEL_FIELD(encoder_residual,
                       "encoder residual arrangement plugin (see --list_plugins)"),
           MODEL_FIELD(decoder_residual,
                       "decoder residual arrangement plugin (see --list_plugins)"),
           MODEL_FIELD(dropout, "dropout on embeddings and branch outputs"),
           MODEL_FIELD(attention_dropout, "dropout on attention probabilities"),
           MODEL_FIELD(activation_dropout, "dropout after the feed-forward ReLU"),
           MODEL_FIELD(share_all_embeddings, "one embedding for source, target and output"),
           CONFIG_FIELD(init, "initializer plugin (see --list_plugins)", false),
           CONFIG_FIELD(restore, "start a new run from this checkpoint's weights instead of --init",
                        false),
       }},
      {"optimisation",
       {
           CONFIG_FIELD(optimizer, "optimizer plugin (see --list_plugins)", false),
           CONFIG_FIELD(lr, "peak learning rate", false),
           CONFIG_FIELD(label_smoothing, "label smoothing epsilon", false),
           CONFIG_FIELD(clip_norm, "clip the gradient L2 norm to this; 0: no clipping", false),
       }},
      {"schedule",
       {
           CONFIG_FIELD(lr_scheduler, "learning-rate schedule plugin (see --list_plugins)", false),
       }},
      {"run control",
       {
           CONFIG_FIELD(max_updates, "stop after this many updates; 0: no limit", true),
           CONFIG_FIELD(max_epochs, "stop after this many epochs; 0: no limit", true),
           CONFIG_FIELD(max_time, "stop after this many seconds of training; 0: no limit", true),
           CONFIG_FIELD(patience, "stop after N validations without a new best loss; 0: never",
                        true),
           CONFIG_FIELD(log_interval, "log training metrics every N updates", true),
           CONFIG_FIELD(save_interval, "write checkpoint_last every N updates; 0: epoch ends",
                        true),
           CONFIG_FIELD(keep_interval, "keep checkpoint_<update>.pt every N updates; 0: never",
                        true),
           CONFIG_FIELD(keep_last_checkpoints, "of those, keep only the latest N; 0: all", true),
           CONFIG_FIELD(keep_best_checkpoints,
                        "keep the N best validations as checkpoint_best_<update>.pt; 0: none",
                        true),
           CONFIG_FIELD(divergence_ratio,
                        "diverged when the fast loss average exceeds this x the slow one; 0: off",
                        true),
           CONFIG_FIELD(divergence_warmup, "updates before the loss-explosion test starts", true),
       }},
      {"evaluation",
       {
           CONFIG_FIELD(validate_interval, "validate every N updates; 0: every epoch end", true),
           CONFIG_FIELD(beam_size, "beam size for BLEU (1: greedy)", true),
           CONFIG_FIELD(lenpen, "length penalty exponent of beam search", true),
           CONFIG_FIELD(max_len_a, "longest output: a * source length + b", true),
           CONFIG_FIELD(max_len_b, "longest output: a * source length + b", true),
           CONFIG_FIELD(bleu_interval, "also score valid BLEU every N updates; 0: only at the end",
                        true),
           CONFIG_FIELD(bleu_sentences, "valid/test sentences decoded for BLEU; 0: all", true),
       }},
  };
  return *groups;
}

const std::vector<Field>& Fields() {
  static const auto* fields = [] {
    auto* fields = new std::vector<Field>;
    for (const FieldGroup& group : FieldGroups()) {
      fields->insert(fields->end(), group.fields.begin(), group.fields.end());
    }
    return fields;
  }();
  return *fields;
}

const Field* FindField(absl::string_view name) {
  for (const Field& field : Fields()) {
    if (field.info.name == name) return &field;
  }
  return nullptr;
}

// A plugin the config chooses and the flag that chooses it.
struct ChosenPlugin {
  const char* flag;
  plugins::PluginChoice choice;
};

// In the order of ChosenPluginOptions' fields (the residual arrangements last).
std::vector<ChosenPlugin> ChosenPlugins(const TrainConfig& config) {
  return {{"init", {&plugins::Initializers(), config.init}},
          {"optimizer", {&plugins::OptimizerFamily(), config.optimizer}},
          {"lr_scheduler", {&plugins::LrSchedules(), config.lr_scheduler}},
          {"encoder_residual", {&plugins::Residuals(), config.model.encoder_residual}},
          {"decoder_residual", {&plugins::Residuals(), config.model.decoder_residual}}};
}

// Checks what one flag cannot (`chosen`: the plugin options split among the chosen plugins):
// plugin names and options, the initializer against the
// model, the schedule against the run length.
absl::Status ValidateConfig(const TrainConfig& config, const ChosenPluginOptions& chosen) {
  ModelOptions model = config.model;  // vocabulary sizes come later, from the dataset
  RETURN_IF_ERROR(ValidateModelOptions(model));
  if (config.max_updates <= 0 && config.max_epochs <= 0 && config.max_time <= 0) {
    return absl::InvalidArgumentError(
        "no stop condition: set --max_updates, --max_epochs or --max_time");
  }
  for (const auto& [name, value] :
       {std::pair<const char*, int64_t>{"max_tokens", config.max_tokens},
        {"update_freq", config.update_freq},
        {"log_interval", config.log_interval},
        {"beam_size", config.beam_size}}) {
    if (value <= 0) return absl::InvalidArgumentError(absl::StrCat("--", name, " must be > 0"));
  }
  for (const auto& [name, value] : {std::pair<const char*, int64_t>{"threads", config.threads},
                                    {"batch_threads", config.batch_threads},
                                    {"validate_interval", config.validate_interval},
                                    {"save_interval", config.save_interval},
                                    {"keep_interval", config.keep_interval},
                                    {"bleu_interval", config.bleu_interval},
                                    {"bleu_sentences", config.bleu_sentences},
                                    {"patience", config.patience},
                                    {"keep_last_checkpoints", config.keep_last_checkpoints},
                                    {"keep_best_checkpoints", config.keep_best_checkpoints}}) {
    if (value < 0) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " = ", value, " must be >= 0"));
    }
  }
  // `!(x > 0)` also rejects NaN; an infinite rate is no rate.
  if (!(config.lr > 0) || !std::isfinite(config.lr)) {
    return absl::InvalidArgumentError(absl::StrCat("--lr must be > 0 and finite, not ", config.lr));
  }
  if (!(config.divergence_ratio >= 0)) {
    return absl::InvalidArgumentError("--divergence_ratio must be >= 0 (0 disables the test)");
  }
  if (config.label_smoothing < 0 || config.label_smoothing >= 1) {
    return absl::InvalidArgumentError("--label_smoothing must be in [0, 1)");
  }
  if (config.clip_norm < 0) return absl::InvalidArgumentError("--clip_norm must be >= 0");
  RETURN_IF_ERROR(ParsePrecision(config.precision).status());

  ASSIGN_OR_RETURN(std::unique_ptr<plugins::Initializer> initializer,
                   plugins::Initializers().Create(config.init, chosen.initializer));
  RETURN_IF_ERROR(initializer->CheckModelOptions(model));
  RETURN_IF_ERROR(plugins::CheckOptimizer(config.optimizer, chosen.optimizer, config.lr));
  return plugins::LrSchedules()
      .Create(config.lr_scheduler, chosen.schedule, {config.lr, config.max_updates})
      .status();
}

// Gives the chosen plugins the trainer's own defaults for options they declare and the
// user did not set.
void ApplyTrainerPluginDefaults(TrainConfig& config) {
  for (const auto& [option, value] : TrainerPluginDefaults()) {
    if (config.plugin_options.count(option)) continue;
    for (const ChosenPlugin& chosen : ChosenPlugins(config)) {
      absl::StatusOr<const plugins::PluginInfo*> plugin =
          chosen.choice.registry->Find(chosen.choice.name);
      if (!plugin.ok()) continue;
      for (const plugins::OptionSpec& spec : (*plugin)->options) {
        if (spec.name == option) config.plugin_options[option] = value;
      }
    }
  }
}

// Fills `config` from key -> (value, where it came from).
struct GivenValue {
  std::string value;
  // "--key" or "file:line".
  std::string origin;
};

// An unknown plugin name, a plugin option no chosen plugin takes or a value of the wrong type,
// reported where it was given (a flag or a config file's line).
absl::Status CheckPluginChoices(const TrainConfig& config,
                                const std::map<std::string, GivenValue>& given) {
  auto origin = [&given](const std::string& key) {
    const auto it = given.find(key);
    return it != given.end() ? it->second.origin : absl::StrCat("--", key);
  };
  std::vector<plugins::PluginChoice> choices;
  for (const ChosenPlugin& chosen : ChosenPlugins(config)) {
    const absl::Status found = chosen.choice.registry->Find(chosen.choice.name).status();
    if (!found.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(origin(chosen.flag), ": ", found.message()));
    }
    choices.push_back(chosen.choice);
  }
  for (const auto& [key, value] : config.plugin_options) {
    absl::StatusOr<std::vector<plugins::OptionMap>> assigned =
        plugins::AssignPluginOptions(choices, {{key, value}});
    absl::Status status = assigned.status();
    for (size_t i = 0; status.ok() && i < choices.size(); ++i) {
      if ((*assigned)[i].empty()) continue;
      status = choices[i].registry->ParseOptions(choices[i].name, (*assigned)[i]).status();
    }
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(origin(key), ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ParsedTrainConfig> Resolve(const std::map<std::string, GivenValue>& given,
                                          const std::set<std::string>& plugin_option_names) {
  ParsedTrainConfig parsed;
  TrainConfig& config = parsed.config;
  for (const auto& [key, given_value] : given) {
    if (const Field* field = FindField(key)) {
      absl::Status status = field->set(given_value.value, config);
      if (!status.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(given_value.origin, ": ", key, " = '",
                                                       given_value.value, "' ", status.message()));
      }
    } else if (plugin_option_names.count(key)) {
      config.plugin_options[key] = given_value.value;
    }
  }
  RETURN_IF_ERROR(CheckPluginChoices(config, given));
  ApplyTrainerPluginDefaults(config);
  ASSIGN_OR_RETURN(const ChosenPluginOptions chosen, SplitPluginOptions(config));
  config.model.residual_options = chosen.residual;
  RETURN_IF_ERROR(ValidateConfig(config, chosen));
  for (const Field& field : Fields()) parsed.resolved[field.info.name] = field.get(config);
  for (const auto& [key, value] : config.plugin_options) parsed.resolved[key] = value;
  return parsed;
}

std::set<std::string> PluginOptionNames() {
  std::set<std::string> names;
  absl::StatusOr<std::map<std::string, plugins::DeclaredOption>> all = plugins::AllPluginOptions();
  if (all.ok()) {
    for (const auto& [name, unused] : *all) names.insert(name);
  }
  return names;
}

}  // namespace

absl::StatusOr<ChosenPluginOptions> SplitPluginOptions(const TrainConfig& config) {
  std::vector<plugins::PluginChoice> choices;
  for (const ChosenPlugin& chosen : ChosenPlugins(config)) choices.push_back(chosen.choice);
  ASSIGN_OR_RETURN(const std::vector<plugins::OptionMap> assigned,
                   plugins::AssignPluginOptions(choices, config.plugin_options));
  ChosenPluginOptions chosen{assigned[0], assigned[1], assigned[2], assigned[3]};
  chosen.residual.insert(assigned[4].begin(), assigned[4].end());
  return chosen;
}

std::vector<std::string> IncompatibleKeys(const std::map<std::string, std::string>& saved,
                                          const std::map<std::string, std::string>& current) {
  std::map<std::string, bool> changeable;
  for (const TrainFlagInfo& info : TrainFlagInfos()) {
    changeable[info.name] = info.changeable_on_resume;
  }
  std::set<std::string> keys;
  for (const auto& [key, unused] : saved) keys.insert(key);
  for (const auto& [key, unused] : current) keys.insert(key);
  std::vector<std::string> differing;
  for (const std::string& key : keys) {
    if (changeable[key]) continue;
    const auto a = saved.find(key);
    const auto b = current.find(key);
    const std::string before = a == saved.end() ? "(unset)" : a->second;
    const std::string now = b == current.end() ? "(unset)" : b->second;
    if (before != now) {
      differing.push_back(absl::StrCat(key, " = ", before, " there, ", now, " here"));
    }
  }
  return differing;
}

void UpgradeSavedConfig(std::map<std::string, std::string>& resolved) {
  if (resolved["encoder_residual"] != "scaled" && resolved["decoder_residual"] != "scaled") {
    resolved.erase("residual_alpha");
  }
}

const plugins::OptionMap& TrainerPluginDefaults() {
  // The Admin paper's betas for every run (docs/formulas.md §9.2): with PyTorch's 0.999, RAdam's
  // rectification keeps the step small for about a thousand updates, longer than a
  // short run lasts.
  static const auto* defaults = new plugins::OptionMap{{"betas", "0.9,0.98"}};
  return *defaults;
}

std::vector<TrainFlagInfo> TrainFlagInfos() {
  std::vector<TrainFlagInfo> infos;
  for (const Field& field : Fields()) infos.push_back(field.info);
  return infos;
}

absl::StatusOr<std::vector<IniEntry>> ReadIniFile(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--config=", path, " is a directory, not a config file"));
  }
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open config file ", path));
  std::vector<IniEntry> entries;
  std::map<std::string, int> first_line;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    const std::string where = absl::StrCat(path, ":", number);
    if (text[0] == '[') {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": sections ('", text,
                       "') are not read: a config file is flat `key = value` lines"));
    }
    const size_t equals = text.find('=');
    if (equals == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": expected `key = value`, got '", text, "'"));
    }
    IniEntry entry{std::string(absl::StripAsciiWhitespace(text.substr(0, equals))),
                   std::string(absl::StripAsciiWhitespace(text.substr(equals + 1))), number};
    // The command line and grid files reject a repeated key: a config file does too.
    if (const auto [first, inserted] = first_line.emplace(entry.key, number); !inserted) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": '", entry.key, "' is set again (first at line ", first->second, ")"));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::StatusOr<ParsedTrainConfig> ParseTrainConfig(const std::vector<std::string>& args) {
  // One options_description per --help group; `all` holds them for parsing.
  std::vector<std::unique_ptr<po::options_description>> groups;
  std::vector<FlagGroup> help_groups;
  const auto add_group = [&](const std::string& caption) -> po::options_description& {
    groups.push_back(std::make_unique<po::options_description>());
    help_groups.push_back({caption, groups.back().get()});
    return *groups.back();
  };
  add_group("train").add_options()("help,h", "print this help and exit")(
      "version", "print the version of train and of LibTorch, and exit")(
      "list_plugins", "print every plugin family, its plugins and their options")(
      "start_over",
      "discard the results of an earlier run in --run_dir (checkpoints, metrics, status, "
      "translations) and train anew")("config", po::value<std::string>(),
                                      "INI file of `key = value` lines; flags win");
  for (const FieldGroup& group : FieldGroups()) {
    po::options_description& flags = add_group(group.caption);
    for (const Field& field : group.fields) {
      const std::string help =
          absl::StrCat(field.info.help, " (default ",
                       field.info.default_value.empty() ? "\"\"" : field.info.default_value, ")");
      flags.add_options()(field.info.name.c_str(), po::value<std::string>(), help.c_str());
    }
  }
  std::string trainer_defaults;
  for (const auto& [option, value] : TrainerPluginDefaults()) {
    absl::StrAppend(&trainer_defaults, " --", option, "=", value);
  }
  po::options_description& plugin_flags = add_group(absl::StrCat(
      "plugin options (see --list_plugins; the trainer's defaults, for chosen plugins that "
      "take them:",
      trainer_defaults, ")"));
  RETURN_IF_ERROR(AddPluginOptionFlags(plugin_flags));
  po::options_description all;
  for (const auto& group : groups) all.add(*group);
  const std::string usage = FormatFlagHelp(help_groups);
  if (const StandardRequest request = FindStandardRequest(args);
      request != StandardRequest::kNone) {
    // Answered whatever else the line holds.
    ParsedTrainConfig parsed;
    parsed.help = request == StandardRequest::kHelp;
    parsed.version = request == StandardRequest::kVersion;
    parsed.usage = usage;
    return parsed;
  }

  std::vector<const char*> argv = {"train"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  ASSIGN_OR_RETURN(po::variables_map values,
                   ParseFlags(static_cast<int>(argv.size()), argv.data(), all));

  std::map<std::string, GivenValue> given;
  for (const Field& field : Fields()) {
    if (values.count(field.info.name)) {
      given[field.info.name] = {values[field.info.name].as<std::string>(), "--" + field.info.name};
    }
  }
  for (const auto& [key, value] : GivenPluginOptions(plugin_flags, values)) {
    given[key] = {value, "--" + key};
  }
  const std::set<std::string> plugin_options = PluginOptionNames();
  if (values.count("config")) {
    const std::string path = ResolveUserPath(values["config"].as<std::string>());
    ASSIGN_OR_RETURN(std::vector<IniEntry> entries, ReadIniFile(path));
    std::vector<std::string> known;
    for (const Field& field : Fields()) known.push_back(field.info.name);
    known.insert(known.end(), plugin_options.begin(), plugin_options.end());
    for (const IniEntry& entry : entries) {
      if (FindField(entry.key) == nullptr && !plugin_options.count(entry.key)) {
        const std::string hint = plugins::ClosestMatch(entry.key, known);
        return absl::InvalidArgumentError(
            absl::StrCat(path, ":", entry.line, ": unknown key '", entry.key, "'",
                         hint.empty() ? "" : absl::StrCat("; did you mean '", hint, "'?")));
      }
      // The command line wins over the file.
      given.emplace(entry.key, GivenValue{entry.value, absl::StrCat(path, ":", entry.line)});
    }
  }
  if (values.count("list_plugins")) {
    ParsedTrainConfig parsed;
    parsed.list_plugins = true;
    parsed.usage = usage;
    return parsed;
  }
  absl::StatusOr<ParsedTrainConfig> parsed = Resolve(given, plugin_options);
  if (parsed.ok()) {
    parsed->usage = usage;
    parsed->start_over = values.count("start_over") > 0;
  }
  return parsed;
}

std::string FormatConfigIni(const std::map<std::string, std::string>& resolved) {
  std::string ini = "# Resolved training configuration: train --config=FILE reads it back.\n";
  for (const auto& [key, value] : resolved) absl::StrAppend(&ini, key, " = ", value, "\n");
  return ini;
}

}  // namespace core
