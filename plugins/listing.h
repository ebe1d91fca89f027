// A human-readable listing of every plugin family linked into the binary.
//
//   std::cout << FormatPluginListing();   // what `train --list_plugins` prints
#ifndef PLUGINS_LISTING_H_
#define PLUGINS_LISTING_H_

#include <string>

namespace plugins {

// For each family: its description, then each plugin's name and help, then each option
// as `--<option>=<type> (default <value>)` and its help.
std::string FormatPluginListing();

}  // namespace plugins

#endif  // PLUGINS_LISTING_H_
