// `bazel run //:translate -- --checkpoint=runs/x/checkpoint_best.pt [--input=FILE]`: translates
// raw sentences with a model `train` wrote, using that run's SentencePiece model, direction and
// decoding settings (each overridable). With --input, the file is translated in token-budget
// batches and printed in input order; without it, standard input is translated line by line
// as each line arrives. --nbest=N > 1 prints the N best of each line as
// "LINE<tab>SCORE<tab>TRANSLATION" records, best first (an empty line: one record with empty
// score and translation). --reference=FILE scores the best translations with BLEU and chrF2
// (on stderr).
#include <boost/program_options.hpp>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/metrics/bleu.h"
#include "core/metrics/chrf.h"
#include "core/train/command_line.h"
#include "core/train/evaluation.h"
#include "core/train/runtime_env.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"
#include "core/util/user_path.h"
#include "tools/translate/translator.h"

namespace po = boost::program_options;

namespace {

// Decoding and placement flags: given ones replace the run's settings.
const char* const kOverridable[] = {"beam_size",  "lenpen", "max_len_a", "max_len_b",
                                    "max_tokens", "device", "threads"};

using Translations = std::vector<core::ScoredTranslation>;

// The output of input line `number` (1-based): its best translation, or with nbest > 1 one
// "LINE<tab>SCORE<tab>TRANSLATION" record per hypothesis.
std::string Format(const Translations& translations, int64_t number, int64_t nbest) {
  if (nbest == 1) return translations.empty() ? "" : translations.front().text;
  if (translations.empty()) return absl::StrCat(number, "\t\t");
  std::string records;
  for (const core::ScoredTranslation& translation : translations) {
    if (!records.empty()) records += "\n";
    absl::StrAppendFormat(&records, "%d\t%.6f\t%s", number, translation.score, translation.text);
  }
  return records;
}

// Translates standard input line by line, printing each translation as soon as it is done;
// a line that cannot be translated is reported and gets no translation.
std::vector<Translations> TranslateInteractively(tools::translate::TranslationModel& model,
                                                 int64_t nbest) {
  std::vector<Translations> output;
  std::string line;
  for (int64_t number = 1; std::getline(std::cin, line); ++number) {
    absl::StatusOr<std::vector<Translations>> translated =
        tools::translate::TranslateLines(model, {line}, "stdin", nbest, number);
    if (!translated.ok()) std::cerr << "translate: " << translated.status().message() << "\n";
    output.push_back(translated.ok() ? translated->front() : Translations());
    // Flushed: the user is waiting for it.
    std::cout << Format(output.back(), number, nbest) << std::endl;
  }
  return output;
}

// Scores the best translation of each line against the references.
absl::Status Score(const std::vector<Translations>& translations,
                   const std::string& reference_path) {
  std::vector<std::string> hypotheses;
  for (const Translations& best : translations) {
    hypotheses.push_back(best.empty() ? "" : best.front().text);
  }
  ASSIGN_OR_RETURN(const std::vector<std::string> references, core::ReadTextLines(reference_path));
  RETURN_IF_ERROR(
      core::CheckSameLineCount({{"the translations", &hypotheses}, {reference_path, &references}}));
  core::BleuStatistics bleu;
  core::ChrfStatistics chrf;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    RETURN_IF_ERROR(bleu.Add(hypotheses[i], {references[i]}));
    RETURN_IF_ERROR(chrf.Add(hypotheses[i], {references[i]}));
  }
  std::cerr << bleu.Score().Format() << " | " << chrf.Score().Format() << " | "
            << bleu.Score().Signature() << "\n";
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  core::ReexecWithRuntimeEnvironment(argv);
  core::CommandLine command_line(
      "translate", "bazel run //:translate -- --checkpoint=FILE [--input=FILE] [flags]");
  command_line.AddGroup("translate flags (decoding flags default to the run's)")
      .add_options()("checkpoint", po::value<std::string>(),
                     "a checkpoint written by train (required)")(
          "input", po::value<std::string>(),
          "raw sentences, one per line; default: standard input")(
          "reference", po::value<std::string>(), "reference translations to score against")(
          "beam_size", po::value<std::string>(), "beam size (1: greedy)")(
          "nbest", po::value<int64_t>()->default_value(1),
          "translations printed per line, best first, with their scores (at most the beam size)")(
          "lenpen", po::value<std::string>(), "length penalty exponent")(
          "max_len_a", po::value<std::string>(), "longest output: a * source length + b")(
          "max_len_b", po::value<std::string>(), "longest output: a * source length + b")(
          "max_tokens", po::value<std::string>(), "token budget of a batch of --input")(
          "device", po::value<std::string>(), "cpu, cuda or cuda:N")(
          "threads", po::value<std::string>(), "intra-op CPU threads; 0: LibTorch's default");
  const absl::StatusOr<po::variables_map> parsed = command_line.Parse(argc, argv);
  if (!parsed.ok()) return command_line.Fail(parsed.status());
  if (command_line.answered()) return EXIT_SUCCESS;
  const po::variables_map& flag = *parsed;
  if (!flag.count("checkpoint")) {
    return command_line.Fail(absl::InvalidArgumentError("--checkpoint is required"));
  }
  std::vector<std::string> overrides;
  for (const char* name : kOverridable) {
    if (flag.count(name))
      overrides.push_back(absl::StrCat("--", name, "=", flag[name].as<std::string>()));
  }
  absl::StatusOr<tools::translate::TranslationModel> model = tools::translate::LoadTranslationModel(
      core::ResolveUserPath(flag["checkpoint"].as<std::string>()), overrides);
  if (!model.ok()) return command_line.Fail(model.status());
  const int64_t nbest = flag["nbest"].as<int64_t>();
  if (nbest < 1 || nbest > model->decoding.generation.beam_size) {
    return command_line.Fail(absl::InvalidArgumentError(
        absl::StrCat("--nbest=", nbest, " must be between 1 and the beam size (",
                     model->decoding.generation.beam_size, "; set --beam_size)")));
  }

  std::vector<Translations> output;
  if (flag.count("input")) {
    const std::string path = core::ResolveUserPath(flag["input"].as<std::string>());
    absl::StatusOr<std::vector<std::string>> lines = core::ReadTextLines(path);
    if (!lines.ok()) return command_line.Fail(lines.status());
    absl::StatusOr<std::vector<Translations>> translated =
        tools::translate::TranslateLines(*model, *lines, path, nbest);
    if (!translated.ok()) return command_line.Fail(translated.status());
    output = *std::move(translated);
    std::vector<std::string> formatted;
    for (size_t i = 0; i < output.size(); ++i) {
      formatted.push_back(Format(output[i], static_cast<int64_t>(i) + 1, nbest));
    }
    std::cout << core::JoinLines(formatted) << std::flush;
  } else {
    output = TranslateInteractively(*model, nbest);
  }
  if (flag.count("reference")) {
    const absl::Status scored =
        Score(output, core::ResolveUserPath(flag["reference"].as<std::string>()));
    if (!scored.ok()) return command_line.Fail(scored);
  }
  return EXIT_SUCCESS;
}
