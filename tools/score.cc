// `bazel run //tools:score -- --hyp=FILE --ref=FILE[,FILE...]`: BLEU and chrF2 of a
// detokenized hypothesis file against one or more reference files (one sentence per line),
// printed like sacreBLEU:
//
//   BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)
//   chrF2 = 59.73
//   BLEU signature: nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:admin_trainer-1
//   chrF2 signature: nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:admin_trainer-1
//
// Scores agree with sacreBLEU 2.x defaults (see core/metrics/bleu.h, core/metrics/chrf.h). Relative
// paths are relative to where bazel was run.
#include <boost/program_options.hpp>
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "core/metrics/bleu.h"
#include "core/metrics/chrf.h"
#include "core/train/command_line.h"
#include "core/util/text_file.h"
#include "core/util/user_path.h"

namespace po = boost::program_options;

namespace {

int Fail(const std::string& message) {
  std::cerr << "score: error: " << message << "\n";
  return EXIT_FAILURE;
}

}  // namespace

int main(int argc, char** argv) {
  std::string hyp_path;
  std::string ref_paths;
  core::CommandLine command_line("score",
                                 "bazel run //tools:score -- --hyp=FILE --ref=FILE[,FILE]");
  command_line.AddGroup("score flags")
      .add_options()("hyp", po::value(&hyp_path),
                     "hypothesis file, one detokenized sentence per line")(
          "ref", po::value(&ref_paths),
          "reference file(s), comma-separated; line i of each is a reference for hypothesis i "
          "(an empty line means that file has no reference for the sentence)");
  const absl::StatusOr<po::variables_map> parsed = command_line.Parse(argc, argv);
  if (!parsed.ok()) return command_line.Fail(parsed.status());
  if (command_line.answered()) return EXIT_SUCCESS;
  if (hyp_path.empty() || ref_paths.empty()) return Fail("--hyp and --ref are required");

  const std::string hyp_file = core::ResolveUserPath(hyp_path);
  absl::StatusOr<std::vector<std::string>> hypotheses = core::ReadTextLines(hyp_file);
  if (!hypotheses.ok()) return Fail(std::string(hypotheses.status().message()));
  std::vector<std::string> ref_files;
  std::vector<std::vector<std::string>> references;
  for (absl::string_view path : absl::StrSplit(ref_paths, ',', absl::SkipEmpty())) {
    ref_files.push_back(core::ResolveUserPath(std::string(path)));
    absl::StatusOr<std::vector<std::string>> lines = core::ReadTextLines(ref_files.back());
    if (!lines.ok()) return Fail(std::string(lines.status().message()));
    references.push_back(*std::move(lines));
  }
  if (references.empty()) return Fail("--ref names no file");
  std::vector<std::pair<std::string, const std::vector<std::string>*>> files = {
      {hyp_file, &*hypotheses}};
  for (size_t r = 0; r < references.size(); ++r) files.emplace_back(ref_files[r], &references[r]);
  if (absl::Status same = core::CheckSameLineCount(files); !same.ok()) {
    return Fail(std::string(same.message()));
  }
  if (hypotheses->empty()) return Fail(hyp_file + " is empty: nothing to score");

  core::BleuStatistics bleu;
  core::ChrfStatistics chrf;
  for (size_t i = 0; i < hypotheses->size(); ++i) {
    std::vector<absl::string_view> refs;
    for (const auto& stream : references) refs.push_back(stream[i]);
    absl::Status added = bleu.Add((*hypotheses)[i], refs);
    if (added.ok()) added = chrf.Add((*hypotheses)[i], refs);
    if (!added.ok()) {
      return Fail(absl::StrCat("line ", i + 1, ": ", added.message(), " (", ref_paths, ")"));
    }
  }
  const core::BleuScore bleu_score = bleu.Score();
  const core::ChrfScore chrf_score = chrf.Score();
  std::cout << bleu_score.Format() << "\n"
            << chrf_score.Format() << "\n"
            << "BLEU signature: " << bleu_score.Signature() << "\n"
            << "chrF2 signature: " << chrf_score.Signature() << "\n";
  return EXIT_SUCCESS;
}
