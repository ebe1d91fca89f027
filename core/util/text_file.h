// Reading line-oriented UTF-8 text files with errors a user can act on, and writing
// files so that a reader never sees half of one.
//
// Every data file of the project (the dictionary, the corpus splits, hypotheses and
// references) goes through ReadTextLines, so a bad byte or a runaway line is reported
// with the file and line number instead of surfacing later as a strange score:
//
//   TextFileOptions options;
//   options.max_line_bytes = 4096;
//   absl::StatusOr<std::vector<std::string>> lines =
//       ReadTextLines("data/ding-de-en/valid.de", options);
//   // NotFound: "data/ding-de-en/valid.de: no such file"
//   // InvalidArgument: "valid.de:17: invalid UTF-8 at byte 5"
//
//   absl::Status same = CheckSameLineCount({{"hyp.txt", hyp}, {"ref.txt", ref}});
//   // InvalidArgument: "line counts differ: ref.txt ends after line 2, hyp.txt has 3 lines"
//
//   absl::Status written = WriteFileAtomically("cache/train.ids", bytes);
#ifndef CORE_UTIL_TEXT_FILE_H_
#define CORE_UTIL_TEXT_FILE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace core {

// How ReadTextLines checks a file.
struct TextFileOptions {
  // A line (without its newline) longer than this many bytes is an error: it is almost
  // always a binary file or a missing newline, not a sentence. 0 disables the check.
  int64_t max_line_bytes = 1 << 20;
  // Check that every line is well-formed UTF-8.
  bool check_utf8 = true;
};

// The lines of the file at `path`, without their '\n' (a final line without one counts;
// an empty file has no lines). A '\r' before the '\n' is kept: the metrics treat it as
// white space, as sacreBLEU does. Errors name the file and the 1-based line number.
absl::StatusOr<std::vector<std::string>> ReadTextLines(const std::string& path,
                                                       const TextFileOptions& options = {});

// The whole file at `path` as bytes.
absl::StatusOr<std::string> ReadFileBytes(const std::string& path);

// OK when every (name, lines) has the same number of lines. Otherwise an InvalidArgument
// error naming the shortest file, the line after which it ends, and a longer file.
absl::Status CheckSameLineCount(
    const std::vector<std::pair<std::string, const std::vector<std::string>*>>& files);

// Writes `contents` to `path` through a temporary file in the same directory and a
// rename, so `path` either keeps its old contents or has all of the new ones.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents);

// Puts the complete file `temporary` in place as `path` so that a crash or power loss leaves
// either the old or the new file, never an empty one: fsyncs `temporary`, renames it, then
// fsyncs the directory (which holds the rename). On error `temporary` is removed.
absl::Status RenameDurably(const std::string& temporary, const std::string& path);

// `lines` joined with '\n', each line terminated (the format ReadTextLines reads back).
std::string JoinLines(const std::vector<std::string>& lines);

}  // namespace core

#endif  // CORE_UTIL_TEXT_FILE_H_
