// `bazel run //tools:prepare_data -- [--output_dir=DIR] [--vocab_size=8000] ...`: builds the
// German-English dataset (Ding example sentences, optionally LibreOffice help), its
// train/valid/test split and the joint SentencePiece model. Run by tools/setup.sh with the
// defaults; a second run with the same settings does nothing. See core/data/dataset_builder.h.
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "core/data/dataset_builder.h"
#include "core/train/command_line.h"
#include "core/util/user_path.h"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  core::DatasetBuildOptions options;
  std::string output_dir;
  core::CommandLine command_line("prepare_data", "bazel run //tools:prepare_data -- [flags]");
  command_line.AddGroup("prepare_data flags")
      .add_options()("output_dir", po::value(&output_dir),
                     "dataset directory (default: data/ding-de-en in the workspace, or "
                     "data/ding-libreoffice-de-en with --with_libreoffice)")(
          "ding_path", po::value(&options.ding_path)->default_value(options.ding_path),
          "the Ding dictionary (Debian package trans-de-en)")(
          "with_libreoffice", po::bool_switch(&options.with_libreoffice),
          "also add the LibreOffice help pairs (needs --libreoffice_root)")(
          "libreoffice_root", po::value(&options.libreoffice_root),
          "directory where libreoffice-help-en-us and libreoffice-help-de were unpacked with "
          "`dpkg-deb -x` (it contains usr/share/libreoffice/help/{en-US,de})")(
          "max_words", po::value(&options.max_words)->default_value(options.max_words),
          "drop pairs with a side longer than this many words (0: keep all)")(
          "valid_pairs",
          po::value(&options.split.valid_pairs)->default_value(options.split.valid_pairs),
          "pairs in the validation split")(
          "test_pairs",
          po::value(&options.split.test_pairs)->default_value(options.split.test_pairs),
          "pairs in the test split")(
          "vocab_size",
          po::value(&options.subword.vocab_size)->default_value(options.subword.vocab_size),
          "SentencePiece vocabulary size (joint German-English)")(
          "subword_model_type",
          po::value(&options.subword.model_type)->default_value(options.subword.model_type),
          "SentencePiece model type: bpe or unigram")(
          "subword_seed", po::value(&options.subword.seed)->default_value(options.subword.seed),
          "SentencePiece random seed")(
          "overwrite", po::bool_switch(&options.overwrite),
          "replace a dataset that prepare_data built earlier with other settings (a directory it "
          "did not write is never replaced)");
  const absl::StatusOr<po::variables_map> parsed = command_line.Parse(argc, argv);
  if (!parsed.ok()) return command_line.Fail(parsed.status());
  if (command_line.answered()) return EXIT_SUCCESS;
  if (options.with_libreoffice && options.libreoffice_root.empty()) {
    std::cerr << "prepare_data: --with_libreoffice needs --libreoffice_root=DIR, a directory "
                 "where the two help packages were unpacked:\n"
                 "  apt-get download libreoffice-help-en-us libreoffice-help-de\n"
                 "  for deb in libreoffice-help-*.deb; do dpkg-deb -x \"$deb\" DIR; done\n";
    return EXIT_FAILURE;
  }
  options.ding_path = core::ResolveUserPath(options.ding_path);
  if (!options.libreoffice_root.empty()) {
    options.libreoffice_root = core::ResolveUserPath(options.libreoffice_root);
  }
  options.output_dir = output_dir.empty() ? core::WorkspacePath(options.with_libreoffice
                                                                    ? "data/ding-libreoffice-de-en"
                                                                    : "data/ding-de-en")
                                          : core::ResolveUserPath(output_dir);

  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<core::DatasetBuildResult> result = core::BuildDataset(options);
  if (!result.ok()) {
    std::cerr << "prepare_data: error: " << result.status().message() << "\n";
    return EXIT_FAILURE;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (result->up_to_date) {
    std::cout << "prepare_data: " << result->summary;
  } else {
    std::printf("prepare_data: %s  took %.1f s\n", result->summary.c_str(), seconds);
  }
  return EXIT_SUCCESS;
}
