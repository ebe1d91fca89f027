#include "core/util/text_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "core/util/utf8.h"

namespace core {
namespace {

absl::Status ErrnoError(const std::string& path, absl::string_view what, int error) {
  const std::string message = absl::StrCat(path, ": ", what, ": ", std::strerror(error));
  if (error == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  if (error == EACCES) return absl::PermissionDeniedError(message);
  return absl::UnavailableError(message);
}

}  // namespace

absl::StatusOr<std::string> ReadFileBytes(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return ErrnoError(path, "cannot open", errno);
  std::string contents;
  char buffer[1 << 16];
  size_t read;
  while ((read = std::fread(buffer, 1, sizeof(buffer), file)) > 0) contents.append(buffer, read);
  // Reading a directory "opens" but fails here with EISDIR.
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) return ErrnoError(path, "cannot read", error);
  return contents;
}

absl::StatusOr<std::vector<std::string>> ReadTextLines(const std::string& path,
                                                       const TextFileOptions& options) {
  absl::StatusOr<std::string> bytes = ReadFileBytes(path);
  if (!bytes.ok()) return bytes.status();
  const absl::string_view text = *bytes;
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == absl::string_view::npos) end = text.size();
    const absl::string_view line = text.substr(start, end - start);
    const int64_t number = static_cast<int64_t>(lines.size()) + 1;
    if (options.max_line_bytes > 0 && static_cast<int64_t>(line.size()) > options.max_line_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", number, ": line is ", line.size(), " bytes, more than the limit of ",
          options.max_line_bytes, " (not a sentence-per-line text file?)"));
    }
    if (options.check_utf8) {
      const size_t bad = FirstInvalidUtf8Byte(line);
      if (bad != std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ":", number, ": invalid UTF-8 at byte ", bad + 1));
      }
    }
    lines.emplace_back(line);
    start = end + 1;
  }
  return lines;
}

absl::Status CheckSameLineCount(
    const std::vector<std::pair<std::string, const std::vector<std::string>*>>& files) {
  if (files.empty()) return absl::OkStatus();
  size_t shortest = 0;
  size_t longest = 0;
  for (size_t i = 1; i < files.size(); ++i) {
    if (files[i].second->size() < files[shortest].second->size()) shortest = i;
    if (files[i].second->size() > files[longest].second->size()) longest = i;
  }
  const size_t short_count = files[shortest].second->size();
  const size_t long_count = files[longest].second->size();
  if (short_count == long_count) return absl::OkStatus();
  const std::string ends =
      short_count == 0 ? absl::StrCat(files[shortest].first, " is empty")
                       : absl::StrCat(files[shortest].first, " ends after line ", short_count);
  return absl::InvalidArgumentError(
      absl::StrCat("line counts differ: ", ends, ", ", files[longest].first, " has ", long_count,
                   " lines (first unmatched line: ", short_count + 1, ")"));
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents) {
  // The pid keeps two processes writing the same file from sharing a temporary.
  const std::string temporary = absl::StrCat(path, ".tmp-", ::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return ErrnoError(temporary, "cannot create", errno);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) {
      const int error = errno;
      std::remove(temporary.c_str());
      return ErrnoError(temporary, "write failed", error);
    }
  }
  return RenameDurably(temporary, path);
}

absl::Status RenameDurably(const std::string& temporary, const std::string& path) {
  const auto fail = [&](const std::string& file, const char* what) {
    const int error = errno;
    std::remove(temporary.c_str());
    return ErrnoError(file, what, error);
  };
  const int file = ::open(temporary.c_str(), O_RDONLY | O_CLOEXEC);
  if (file < 0) return fail(temporary, "cannot open");
  const bool synced = ::fsync(file) == 0;
  ::close(file);
  if (!synced) return fail(temporary, "cannot sync");
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return fail(path, "cannot rename into place");
  }
  const std::string directory = std::filesystem::path(path).parent_path().string();
  const int dir =
      ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return ErrnoError(directory, "cannot open the directory", errno);
  const bool dir_synced = ::fsync(dir) == 0;
  const int error = errno;
  ::close(dir);
  if (!dir_synced) return ErrnoError(directory, "cannot sync the directory", error);
  return absl::OkStatus();
}

std::string JoinLines(const std::vector<std::string>& lines) {
  size_t size = 0;
  for (const std::string& line : lines) size += line.size() + 1;
  std::string out;
  out.reserve(size);
  for (const std::string& line : lines) {
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace core
