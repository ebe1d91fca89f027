// Help text for command-line flags, one format for every tool: grouped under captions, one
// entry per flag ("  --name=VALUE  what it does (default X)"), wrapped between words.
//
//   po::options_description flags;
//   flags.add_options()("jobs", po::value<int>()->default_value(1), "processes at once");
//   std::string help = FormatFlagHelp({{"sweep flags", &flags}});
//   // "sweep flags:\n  --jobs=VALUE   processes at once (default 1)\n"
#ifndef CORE_TRAIN_FLAG_HELP_H_
#define CORE_TRAIN_FLAG_HELP_H_

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace core {

// Flags printed together under a caption.
struct FlagGroup {
  std::string caption;
  const boost::program_options::options_description* flags = nullptr;
};

// Help text for `groups`: each caption, then one entry per flag, "  --name=VALUE  help
// (default X)", wrapped to `width` columns between words.
std::string FormatFlagHelp(const std::vector<FlagGroup>& groups, int width = 100);

// What -h, --help or --version anywhere among `args` asks for: every tool answers them before
// it checks any other flag (the first one found wins).
enum class StandardRequest { kNone, kHelp, kVersion };
StandardRequest FindStandardRequest(const std::vector<std::string>& args);

}  // namespace core

#endif  // CORE_TRAIN_FLAG_HELP_H_
