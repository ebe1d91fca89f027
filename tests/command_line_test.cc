// The command-line convention of every tool (core/train/command_line.h, flag_help.h): help
// format, --help and --version answered first, did-you-mean, empty values.
#include "core/train/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_split.h"

namespace core {
namespace {

namespace po = boost::program_options;

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(FlagHelpTest, GroupsFlagsWithDefaultsAndWrapsBetweenWords) {
  po::options_description run, results;
  run.add_options()("jobs", po::value<int>()->default_value(2), "trainer processes at once")(
      "wait", "wait until the array has finished");
  results.add_options()(
      "plot", po::value<std::string>(),
      "a metric against a numeric axis, e.g. x:lr,y:capped_final_loss,color:arch,panel:depth "
      "(also seeds:show, logx:yes|no); repeatable; written as figures/<y>_vs_<x>.svg beside "
      "inverse_sqrt_nowarmup and report.html");
  const std::string help = FormatFlagHelp({{"run", &run}, {"results", &results}}, 80);
  EXPECT_THAT(help, StartsWith("run:\n  --jobs=VALUE"));
  EXPECT_THAT(help, HasSubstr("trainer processes at once (default 2)\n"));
  EXPECT_THAT(help, HasSubstr("  --wait                        wait until"));
  EXPECT_THAT(help, HasSubstr("\nresults:\n  --plot=VALUE"));
  // Every word of the long description is whole on some line, and no line is too long.
  const std::vector<std::string> lines = absl::StrSplit(help, '\n');
  for (const std::string& line : lines) EXPECT_LE(line.size(), 80u) << line;
  for (const char* word : {"x:lr,y:capped_final_loss,color:arch,panel:depth",
                           "inverse_sqrt_nowarmup", "figures/<y>_vs_<x>.svg"}) {
    EXPECT_THAT(help, HasSubstr(word));
  }
}

// argv from words, with a program name.
std::vector<const char*> Argv(const std::vector<std::string>& words) {
  std::vector<const char*> argv = {"tool"};
  for (const std::string& word : words) argv.push_back(word.c_str());
  return argv;
}

CommandLine Tool() {
  CommandLine command_line("tool", "tool --jobs=N");
  command_line.AddGroup("tool flags")
      .add_options()("jobs", po::value<int>()->default_value(1), "processes")(
          "python", po::value<std::string>()->default_value("/usr/bin/python3"), "\"\": skip it");
  return command_line;
}

TEST(CommandLineTest, HelpIsAnsweredFirstEvenBesideAnUnknownFlag) {
  for (const std::string help : {"-h", "--help"}) {
    CommandLine command_line = Tool();
    const std::vector<std::string> words = {"--jobz=3", help};
    const std::vector<const char*> argv = Argv(words);
    ::testing::internal::CaptureStdout();
    const absl::StatusOr<po::variables_map> values =
        command_line.Parse(static_cast<int>(argv.size()), argv.data());
    const std::string printed = ::testing::internal::GetCapturedStdout();
    ASSERT_TRUE(values.ok()) << values.status();
    EXPECT_TRUE(command_line.answered());
    EXPECT_THAT(printed, StartsWith("usage: tool --jobs=N\n\ntool flags:\n  -h, --help"));
    EXPECT_THAT(printed, HasSubstr("--version"));
  }
}

TEST(CommandLineTest, VersionNamesTheProjectAndLibTorch) {
  CommandLine command_line = Tool();
  const std::vector<std::string> words = {"--version"};
  const std::vector<const char*> argv = Argv(words);
  ::testing::internal::CaptureStdout();
  ASSERT_TRUE(command_line.Parse(static_cast<int>(argv.size()), argv.data()).ok());
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), VersionText("tool") + "\n");
  EXPECT_THAT(VersionText("tool"),
              ::testing::MatchesRegex(R"(tool \(admin_trainer [0-9.]+, LibTorch 1\.13\.0\))"));
}

TEST(CommandLineTest, UnknownFlagsGetADidYouMeanAndEmptyValuesAreValues) {
  CommandLine command_line = Tool();
  std::vector<std::string> words = {"--jobz=3"};
  std::vector<const char*> argv = Argv(words);
  EXPECT_THAT(command_line.Parse(static_cast<int>(argv.size()), argv.data()).status().message(),
              HasSubstr("unknown flag --jobz; did you mean --jobs?"));
  words = {"--python=", "--jobs=3"};
  argv = Argv(words);
  const absl::StatusOr<po::variables_map> values =
      command_line.Parse(static_cast<int>(argv.size()), argv.data());
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_EQ((*values)["python"].as<std::string>(), "");
  EXPECT_EQ((*values)["jobs"].as<int>(), 3);
}

TEST(CommandLineTest, UnknownValuesOfAFixedSetGetADidYouMean) {
  EXPECT_TRUE(CheckChoice("executor", "slurm", {"local", "slurm", "print"}).ok());
  EXPECT_EQ(CheckChoice("executor", "lcoal", {"local", "slurm", "print"}).message(),
            "--executor=lcoal: not one of local, slurm, print; did you mean 'local'?");
}

}  // namespace
}  // namespace core
