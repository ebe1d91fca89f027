// spm_bridge::Load for programs that load LibTorch: forwards to libspm_bridge.so, loaded
// with a private symbol scope (see sentencepiece_bridge.h for why). Train is refused.
#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "core/data/sentencepiece_bridge.h"

namespace core {
namespace spm_bridge {
namespace {

constexpr char kLibrary[] = "admin_trainer/core/data/libspm_bridge.so";

std::string ExecutablePath() {
  std::vector<char> buffer(4096);
  const ssize_t length = readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  return length > 0 ? std::string(buffer.data(), length) : "";
}

// Where Bazel puts the library: the runfiles of a test or of `bazel run`, the runfiles
// next to a binary run directly, or ADMIN_TRAINER_SPM_BRIDGE when set.
std::vector<std::string> Candidates() {
  std::vector<std::string> candidates;
  if (const char* path = std::getenv("ADMIN_TRAINER_SPM_BRIDGE")) candidates.push_back(path);
  for (const char* variable : {"RUNFILES_DIR", "TEST_SRCDIR"}) {
    if (const char* dir = std::getenv(variable)) {
      candidates.push_back(std::string(dir) + "/" + kLibrary);
    }
  }
  const std::string executable = ExecutablePath();
  if (!executable.empty()) candidates.push_back(executable + ".runfiles/" + kLibrary);
  return candidates;
}

struct Loaded {
  const Api* api = nullptr;
  std::string error;
};

const Loaded& Library() {
  static const Loaded* loaded = [] {
    auto* result = new Loaded;
    std::string tried;
    // A symbol that both libprotobuf and SentencePiece's built-in copy define: present in
    // the global scope when LibTorch (or anything else) has loaded libprotobuf.
    const bool protobuf_loaded =
        dlsym(RTLD_DEFAULT, "_ZN6google8protobuf8internal10LogMessageC1ENS0_8LogLevelEPKci") !=
        nullptr;
    for (const std::string& path : Candidates()) {
      // RTLD_LOCAL keeps SentencePiece's protobuf out of the global scope; RTLD_DEEPBIND
      // makes SentencePiece bind to its own copy rather than to the system libprotobuf,
      // and is only used when that one is loaded (see sentencepiece_bridge.h for its cost).
      void* handle =
          dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | (protobuf_loaded ? RTLD_DEEPBIND : 0));
      if (handle == nullptr) {
        tried += "\n  " + path + ": " + dlerror();
        continue;
      }
      using Entry = const Api* (*)();
      auto entry = reinterpret_cast<Entry>(dlsym(handle, "AdminTrainerSpmBridge"));
      if (entry == nullptr) {
        tried += "\n  " + path + ": no AdminTrainerSpmBridge symbol";
        continue;
      }
      result->api = entry();
      if (protobuf_loaded) result->api->set_min_log_level(4);
      return result;
    }
    result->error =
        "cannot load the SentencePiece bridge libspm_bridge.so (run the program "
        "through Bazel, or set ADMIN_TRAINER_SPM_BRIDGE); tried:" +
        tried;
    return result;
  }();
  return *loaded;
}

}  // namespace

std::string Train(const std::vector<std::string>&, const std::map<std::string, std::string>&,
                  unsigned int, const std::string&, std::string*) {
  return "SentencePiece models are trained by tools/prepare_data, not by programs that load "
         "LibTorch (see core/data/sentencepiece_bridge.h)";
}

std::unique_ptr<Processor> Load(const std::string& model_bytes, std::string* error) {
  const Loaded& library = Library();
  if (library.api == nullptr) {
    *error = library.error;
    return nullptr;
  }
  return library.api->load(model_bytes, error);
}

}  // namespace spm_bridge
}  // namespace core
