#include "core/run_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/text_file.h"

namespace core {
namespace {

// The value of `"update":<n>` in a metrics line, or -1.
int64_t UpdateOf(const std::string& line) {
  const std::string key = "\"update\":";
  const size_t at = line.find(key);
  if (at == std::string::npos) return -1;
  size_t end = at + key.size();
  while (end < line.size() && (std::isdigit(static_cast<unsigned char>(line[end])))) ++end;
  int64_t update = -1;
  if (!absl::SimpleAtoi(line.substr(at + key.size(), end - at - key.size()), &update)) return -1;
  return update;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RunDirectory>> RunDirectory::Open(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create run directory ", path, ": ", error.message()));
  }
  const std::string lock_path = path + "/.lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot open ", lock_path, ": ", std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("run directory ", path, " is in use by another live trainer (", lock_path,
                     " is locked); wait for it, stop it, or choose another --run_dir"));
  }
  return std::unique_ptr<RunDirectory>(new RunDirectory(path, fd));
}

RunDirectory::~RunDirectory() { ::close(lock_fd_); }

std::string RunDirectory::File(absl::string_view name) const {
  return absl::StrCat(path_, "/", name);
}

absl::Status RunDirectory::WriteStatus(const RunStatus& status) const {
  const std::string json = JsonLine()
                               .Add("state", status.state)
                               .Add("updates", status.updates)
                               .Add("epoch", status.epoch)
                               .Add("best_valid_loss", status.best_valid_loss)
                               .Add("valid_bleu", status.valid_bleu)
                               .Add("test_bleu", status.test_bleu)
                               .Add("wall_time", status.train_time)
                               .Add("exit_reason", status.exit_reason)
                               .str();
  return WriteFileAtomically(File("status.json"), json + "\n");
}

absl::Status RunDirectory::AppendMetrics(const JsonLine& line) const {
  std::ofstream out(File("metrics.jsonl"), std::ios::app);
  out << line.str() << "\n";
  out.flush();
  if (!out) return absl::DataLossError(absl::StrCat("cannot append to ", File("metrics.jsonl")));
  return absl::OkStatus();
}

absl::Status RunDirectory::TruncateMetricsAfter(int64_t update) const {
  if (!std::filesystem::exists(File("metrics.jsonl"))) return absl::OkStatus();
  absl::StatusOr<std::string> text = ReadFileBytes(File("metrics.jsonl"));
  if (!text.ok()) return text.status();
  std::string kept;
  size_t start = 0;
  // A last line without its '\n' is the fragment of a process killed while appending it:
  // dropped, like lines that are not metrics at all, so every kept line is whole JSON.
  for (size_t end; (end = text->find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = text->substr(start, end - start);
    const int64_t line_update = UpdateOf(line);
    if (line_update >= 0 && line_update <= update) absl::StrAppend(&kept, line, "\n");
  }
  return WriteFileAtomically(File("metrics.jsonl"), kept);
}

}  // namespace core
