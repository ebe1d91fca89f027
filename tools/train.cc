// `bazel run //:train -- [flags]`: trains one model (see README.md).
//
// The trainer itself arrives with core/trainer; until then the default job lists the
// plugins linked into this binary, which proves the registry and static linking work.
#include <cstdlib>
#include <iostream>

#include <boost/program_options.hpp>

#include "plugins/listing.h"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  po::options_description flags("train flags");
  flags.add_options()("help", "print this help")(
      "list_plugins", "print every plugin family, its plugins and their options");
  po::variables_map values;
  try {
    po::store(po::parse_command_line(argc, argv, flags), values);
    po::notify(values);
  } catch (const po::error& error) {
    std::cerr << "train: " << error.what() << "\n" << flags;
    return EXIT_FAILURE;
  }
  if (values.count("help")) {
    std::cout << flags;
    return EXIT_SUCCESS;
  }
  std::cout << plugins::FormatPluginListing();
  return EXIT_SUCCESS;
}
