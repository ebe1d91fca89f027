// The only code that includes SentencePiece's headers, behind a std-only interface.
//
// Debian's sentencepiece_processor.h declares `namespace absl { using std::string_view; }`,
// which clashes with Debian Abseil's own absl::string_view class: no translation unit can
// include both. This bridge (std types, errors as strings) lets every other file use
// Abseil; use SubwordModel (core/data/subword_model.h) rather than this header.
//
// Debian's libsentencepiece also carries its own copy of protobuf-lite and exports it:
// in a process that loads LibTorch (which needs the system libprotobuf) the two copies
// interpose on each other and the process crashes before main(). So the implementation
// (sentencepiece_bridge.cc) is built into its own libspm_bridge.so, and programs reach it
// through sentencepiece_loader.cc, which dlopen()s it with a private symbol scope, and
// with RTLD_DEEPBIND when a libprotobuf is already loaded. Deep binding has a cost:
// SentencePiece then sees libstdc++'s own, never constructed std::cerr instead of the
// program's, so any log line would crash; the loader silences SentencePiece's logging in
// that case (SetMinLogLevel(4)).
#ifndef CORE_DATA_SENTENCEPIECE_BRIDGE_H_
#define CORE_DATA_SENTENCEPIECE_BRIDGE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace core {
namespace spm_bridge {

// Trains a model from `sentences` with SentencePiece's trainer flags `flags` (name ->
// value, e.g. {"model_type", "bpe"}) and sets `*serialized_model` to the bytes of the
// .model file; nothing is written. The trainer's progress log (hundreds of lines) goes to
// `log_path` instead of stderr when it is not empty. `seed` seeds SentencePiece's random
// generator. Returns "" or the error.
std::string Train(const std::vector<std::string>& sentences,
                  const std::map<std::string, std::string>& flags, unsigned int seed,
                  const std::string& log_path, std::string* serialized_model);

class Processor {
 public:
  virtual ~Processor() = default;
  virtual std::string Encode(const std::string& text, std::vector<int>* ids) const = 0;
  virtual std::string Decode(const std::vector<int>& ids, std::string* text) const = 0;
  virtual int PieceCount() const = 0;
  virtual std::string IdToPiece(int id) const = 0;
  virtual float Score(int id) const = 0;
  virtual int PadId() const = 0;
  virtual int UnkId() const = 0;
  virtual int BosId() const = 0;
  virtual int EosId() const = 0;
};

// Loads a serialized model (the bytes of a .model file). On failure returns null and
// sets `*error`.
std::unique_ptr<Processor> Load(const std::string& model_bytes, std::string* error);

// Sets SentencePiece's minimum log level (0 info .. 3 fatal; 4 silences it).
void SetMinLogLevel(int level);

// The entry points as libspm_bridge.so exports them, through the C function
// `AdminTrainerSpmBridge()` (what the loader looks up).
struct Api {
  decltype(&Train) train;
  decltype(&Load) load;
  decltype(&SetMinLogLevel) set_min_log_level;
};

}  // namespace spm_bridge
}  // namespace core

#endif  // CORE_DATA_SENTENCEPIECE_BRIDGE_H_
