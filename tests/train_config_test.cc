#include "core/train/train_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace core {
namespace {

using ::testing::HasSubstr;

// Writes `contents` to a fresh file under the test's temporary directory.
std::string WriteTempFile(const std::string& name, const std::string& contents) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << contents;
  return path;
}

TEST(TrainConfigTest, DefaultsAreValid) {
  absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig({});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const TrainConfig defaults;
  EXPECT_EQ(parsed->config.max_tokens, defaults.max_tokens);
  EXPECT_EQ(parsed->config.init, "admin");
  EXPECT_EQ(parsed->config.model.encoder_residual, "admin");
  EXPECT_EQ(parsed->config.model.decoder_residual, "admin");
  // The trainer's own default for a plugin option the chosen radam takes.
  EXPECT_EQ(parsed->config.plugin_options, TrainerPluginDefaults());
  // Every flag is in the resolved map (config.ini), with its documented default.
  for (const TrainFlagInfo& info : TrainFlagInfos()) {
    ASSERT_TRUE(parsed->resolved.count(info.name)) << info.name;
    EXPECT_EQ(parsed->resolved.at(info.name), info.default_value) << info.name;
  }
  EXPECT_FALSE(parsed->usage.empty());
}

TEST(TrainConfigTest, FlagsSetFieldsAndPluginOptions) {
  absl::StatusOr<ParsedTrainConfig> parsed =
      ParseTrainConfig({"--max_tokens=1000", "--encoder_layers=2", "--optimizer=adam",
                        "--betas=0.9,0.98", "--lr=0.001", "--max_updates=7"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.max_tokens, 1000);
  EXPECT_EQ(parsed->config.model.encoder_layers, 2);
  EXPECT_EQ(parsed->config.optimizer, "adam");
  EXPECT_DOUBLE_EQ(parsed->config.lr, 0.001);
  EXPECT_EQ(parsed->config.max_updates, 7);
  EXPECT_EQ(parsed->config.plugin_options.at("betas"), "0.9,0.98");
  EXPECT_EQ(parsed->resolved.at("betas"), "0.9,0.98");
  EXPECT_EQ(parsed->resolved.at("max_tokens"), "1000");
}

TEST(TrainConfigTest, TrainerPluginDefaultsOnlyReachPluginsThatTakeThem) {
  absl::StatusOr<ParsedTrainConfig> sgd = ParseTrainConfig({"--optimizer=sgd"});
  ASSERT_TRUE(sgd.ok()) << sgd.status();
  EXPECT_EQ(sgd->config.plugin_options.count("betas"), 0u);
  EXPECT_EQ(sgd->resolved.count("betas"), 0u);
  absl::StatusOr<ParsedTrainConfig> mine = ParseTrainConfig({"--betas=0.8,0.9"});
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(mine->config.plugin_options.at("betas"), "0.8,0.9");
}

TEST(TrainConfigTest, CommandLineWinsOverConfigFile) {
  const std::string path =
      WriteTempFile("wins.ini",
                    "# a comment\nmax_tokens = 1000\nlr = 0.01\n; another\nseed = 9\n"
                    "optimizer = adam\nbetas = 0.8,0.9\n");
  absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig(
      {"--config=" + path, "--max_tokens=2000", "--betas=0.7,0.95", "--max_updates=5"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.max_tokens, 2000);  // the flag
  EXPECT_EQ(parsed->config.plugin_options.at("betas"), "0.7,0.95");
  EXPECT_DOUBLE_EQ(parsed->config.lr, 0.01);  // the file
  EXPECT_EQ(parsed->config.seed, 9);
  EXPECT_EQ(parsed->config.optimizer, "adam");
}

TEST(TrainConfigTest, UnknownIniKeyNamesFileAndLine) {
  const std::string path =
      WriteTempFile("unknown.ini", "# comment\n\nmax_tokens = 1000\nmax_tokenz = 3\n");
  absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig({"--config=" + path});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr(path + ":4: unknown key 'max_tokenz'"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("did you mean 'max_tokens'"));
}

TEST(TrainConfigTest, IniLineWithoutEqualsNamesFileAndLine) {
  const std::string path = WriteTempFile("no_equals.ini", "max_tokens = 1000\nmax_updates\n");
  absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig({"--config=" + path});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr(path + ":2:"));
}

TEST(TrainConfigTest, MissingConfigFileIsAnError) {
  absl::StatusOr<ParsedTrainConfig> parsed =
      ParseTrainConfig({"--config=" + ::testing::TempDir() + "/no_such.ini"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("no_such.ini"));
}

TEST(TrainConfigTest, ConfigDirectoryIsAnError) {
  absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig({"--config=" + ::testing::TempDir()});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("is a directory"));
}

TEST(TrainConfigTest, RepeatedConfigKeyIsAnError) {
  const std::string path =
      WriteTempFile("repeated.ini", "max_updates = 3\nlr = 0.1\n\nmax_updates = 5\n");
  absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig({"--config=" + path});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(),
              HasSubstr(path + ":4: 'max_updates' is set again (first at line 1)"));
}

TEST(TrainConfigTest, ConfigSectionIsAnError) {
  const std::string path = WriteTempFile("section.ini", "[train]\nmax_updates = 3\n");
  absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig({"--config=" + path});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr(path + ":1: sections ('[train]')"));
}

TEST(TrainConfigTest, UnknownFlagSuggestsTheClosest) {
  absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig({"--max_updatez=3"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("--max_updatez"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("--max_updates"));
}

TEST(TrainConfigTest, BadValuesNameTheFlag) {
  for (const auto& [flag, value] :
       std::vector<std::pair<std::string, std::string>>{{"max_tokens", "lots"},
                                                        {"lr", "fast"},
                                                        {"share_all_embeddings", "maybe"},
                                                        {"encoder_residual", "sideways"},
                                                        {"precision", "fp8"},
                                                        {"seed", "1.5"}}) {
    absl::StatusOr<ParsedTrainConfig> parsed =
        ParseTrainConfig({"--" + flag + "=" + value, "--max_updates=3"});
    ASSERT_FALSE(parsed.ok()) << flag;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << flag;
    EXPECT_THAT(parsed.status().message(), HasSubstr("--" + flag)) << flag;
    EXPECT_THAT(parsed.status().message(), HasSubstr(value)) << flag;
  }
}

TEST(TrainConfigTest, BadValueInConfigFileNamesFileAndLine) {
  const std::string path = WriteTempFile("bad_value.ini", "\nmax_tokens = lots\n");
  absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig({"--config=" + path});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr(path + ":2"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("max_tokens"));
}

TEST(TrainConfigTest, OutOfRangeValuesAreRejected) {
  for (const std::string flag :
       {"--max_tokens=0", "--update_freq=0", "--lr=0", "--label_smoothing=1", "--clip_norm=-1",
        "--beam_size=0", "--log_interval=0", "--lr=inf", "--lr=nan", "--threads=-1",
        "--validate_interval=-1", "--save_interval=-2", "--keep_interval=-1", "--bleu_interval=-1",
        "--bleu_sentences=-5", "--divergence_ratio=-1"}) {
    absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig({flag, "--max_updates=3"});
    ASSERT_FALSE(parsed.ok()) << flag;
    const std::string name = flag.substr(0, flag.find('='));
    EXPECT_THAT(parsed.status().message(), HasSubstr(name)) << flag;
  }
}

TEST(TrainConfigTest, NoStopConditionIsRejected) {
  absl::StatusOr<ParsedTrainConfig> parsed =
      ParseTrainConfig({"--max_updates=0", "--max_epochs=0", "--max_time=0"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("stop condition"));
}

TEST(TrainConfigTest, TfixupWithLayerNormResidualsIsRejected) {
  for (const std::string mode : {"post", "pre", "admin"}) {
    absl::StatusOr<ParsedTrainConfig> parsed =
        ParseTrainConfig({"--init=tfixup", "--encoder_residual=" + mode,
                          "--decoder_residual=" + mode, "--max_updates=3"});
    ASSERT_FALSE(parsed.ok()) << mode;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << mode;
    EXPECT_THAT(parsed.status().message(), HasSubstr("tfixup")) << mode;
  }
  // Without LayerNorm it is T-Fixup's own setting.
  absl::StatusOr<ParsedTrainConfig> parsed =
      ParseTrainConfig({"--init=tfixup", "--encoder_residual=none", "--decoder_residual=none",
                        "--lr_scheduler=inverse_sqrt_nowarmup", "--max_updates=3"});
  EXPECT_TRUE(parsed.ok()) << parsed.status();
}

TEST(TrainConfigTest, OptionOfAnUnchosenPluginIsRejected) {
  // --momentum belongs to sgd; the optimizer is radam.
  absl::StatusOr<ParsedTrainConfig> parsed =
      ParseTrainConfig({"--optimizer=radam", "--momentum=0.9", "--max_updates=3"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("--momentum"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("sgd"));
  // The same from a config file.
  const std::string path = WriteTempFile("unchosen.ini", "optimizer = radam\nmomentum = 0.9\n");
  parsed = ParseTrainConfig({"--config=" + path, "--max_updates=3"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(),
              HasSubstr(path + ":2: --momentum is an option of optimizer 'sgd'"));
}

TEST(TrainConfigTest, BadPluginOptionValueInConfigFileNamesFileAndLine) {
  const std::string path =
      WriteTempFile("bad_option.ini", "optimizer = adam\nmax_updates = 3\nbetas = 0.9,high\n");
  absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig({"--config=" + path});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr(path + ":3: optimizer 'adam'"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("0.9,high"));
}

TEST(TrainConfigTest, UnknownPluginNameIsRejectedWhereItWasGiven) {
  absl::StatusOr<ParsedTrainConfig> parsed =
      ParseTrainConfig({"--optimizer=adamm", "--max_updates=3"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("--optimizer: unknown optimizer 'adamm'; did you mean 'adam'?"));
  const std::string path = WriteTempFile("unknown_plugin.ini", "max_updates = 3\ninit = tfixp\n");
  parsed = ParseTrainConfig({"--config=" + path});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(),
              HasSubstr(path + ":2: unknown initializer 'tfixp'; did you mean 'tfixup'?"));
}

TEST(TrainConfigTest, FormattedConfigReadsBackToTheSameResolvedMap) {
  absl::StatusOr<ParsedTrainConfig> original = ParseTrainConfig({"--run_dir=/tmp/somewhere",
                                                                 "--max_tokens=1234",
                                                                 "--encoder_layers=2",
                                                                 "--decoder_layers=3",
                                                                 "--encoder_residual=pre",
                                                                 "--decoder_residual=pre",
                                                                 "--init=default",
                                                                 "--optimizer=adam",
                                                                 "--betas=0.9,0.98",
                                                                 "--eps=1e-09",
                                                                 "--lr_scheduler=inverse_sqrt",
                                                                 "--warmup_updates=8000",
                                                                 "--lr=0.0007",
                                                                 "--dropout=0.3",
                                                                 "--label_smoothing=0.1",
                                                                 "--clip_norm=0.5",
                                                                 "--max_updates=100",
                                                                 "--max_time=3.25",
                                                                 "--share_all_embeddings=true",
                                                                 "--divergence_ratio=1.5"});
  ASSERT_TRUE(original.ok()) << original.status();
  const std::string ini = FormatConfigIni(original->resolved);
  const std::string path = WriteTempFile("roundtrip.ini", ini);
  absl::StatusOr<ParsedTrainConfig> reread = ParseTrainConfig({"--config=" + path});
  ASSERT_TRUE(reread.ok()) << reread.status() << "\n" << ini;
  EXPECT_EQ(reread->resolved, original->resolved) << ini;
  // And once more: formatting is a fixed point.
  EXPECT_EQ(FormatConfigIni(reread->resolved), ini);
}

TEST(TrainConfigTest, ResidualOptionsGoToTheArrangementsThatTakeThem) {
  absl::StatusOr<ParsedTrainConfig> parsed =
      ParseTrainConfig({"--encoder_residual=scaled", "--decoder_residual=post",
                        "--residual_alpha=0.5", "--init=default"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.model.residual_options,
            (std::map<std::string, std::string>{{"residual_alpha", "0.5"}}));
  EXPECT_EQ(parsed->resolved.at("residual_alpha"), "0.5");

  parsed = ParseTrainConfig({"--encoder_residual=post", "--decoder_residual=post",
                             "--residual_alpha=0.5", "--init=default"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()),
              HasSubstr("--residual_alpha is an option of residual 'scaled'"));
}

TEST(TrainConfigTest, UnknownResidualArrangementIsNamedWithTheClosestOne) {
  absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig({"--decoder_residual=admn"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()),
              HasSubstr("unknown residual 'admn'; did you mean 'admin'?"));
}

TEST(TrainConfigTest, SavedConfigsOfEarlierVersionsLoseTheirMeaninglessResidualAlpha) {
  std::map<std::string, std::string> post = {
      {"encoder_residual", "post"}, {"decoder_residual", "admin"}, {"residual_alpha", "1"}};
  UpgradeSavedConfig(post);
  EXPECT_EQ(post.count("residual_alpha"), 0u);
  std::map<std::string, std::string> scaled = {
      {"encoder_residual", "post"}, {"decoder_residual", "scaled"}, {"residual_alpha", "2"}};
  UpgradeSavedConfig(scaled);
  EXPECT_EQ(scaled.at("residual_alpha"), "2");
}

TEST(TrainConfigTest, HelpAndListPluginsNeedNoValidConfig) {
  absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig({"--help", "--max_tokens=0"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->help);
  EXPECT_THAT(parsed->usage, HasSubstr("--max_tokens"));
  parsed = ParseTrainConfig({"--list_plugins"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->list_plugins);
}

}  // namespace
}  // namespace core
