// No Abseil header may be included here (see the header).
#include "core/data/sentencepiece_bridge.h"

#include <fcntl.h>
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>
#include <unistd.h>

#include <cstdio>
#include <unordered_map>

// Exported by libsentencepiece but absent from its public headers (src/common.h).
namespace sentencepiece {
namespace logging {
void SetMinLogLevel(int v);
}  // namespace logging
}  // namespace sentencepiece

namespace core {
namespace spm_bridge {
namespace {

class VectorIterator : public sentencepiece::SentenceIterator {
 public:
  explicit VectorIterator(const std::vector<std::string>& sentences) : sentences_(sentences) {}
  bool done() const override { return index_ >= sentences_.size(); }
  void Next() override { ++index_; }
  const std::string& value() const override { return sentences_[index_]; }
  sentencepiece::util::Status status() const override { return sentencepiece::util::Status(); }

 private:
  const std::vector<std::string>& sentences_;
  size_t index_ = 0;
};

// Points file descriptor 2 at a file for its lifetime, then restores it: SentencePiece
// logs straight to stderr and has no public switch for it in 0.1.97.
class StderrRedirect {
 public:
  explicit StderrRedirect(const std::string& path) {
    if (path.empty()) return;
    const int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (file < 0) return;
    std::fflush(stderr);
    saved_ = ::dup(2);
    ::dup2(file, 2);
    ::close(file);
  }
  ~StderrRedirect() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
  }

 private:
  int saved_ = -1;
};

class SentencePieceProcessor : public Processor {
 public:
  std::string LoadModel(const std::string& bytes) {
    const sentencepiece::util::Status status = processor_.LoadFromSerializedProto(bytes);
    return status.ok() ? "" : status.ToString();
  }
  std::string Encode(const std::string& text, std::vector<int>* ids) const override {
    const sentencepiece::util::Status status = processor_.Encode(text, ids);
    return status.ok() ? "" : status.ToString();
  }
  std::string Decode(const std::vector<int>& ids, std::string* text) const override {
    const sentencepiece::util::Status status = processor_.Decode(ids, text);
    return status.ok() ? "" : status.ToString();
  }
  int PieceCount() const override { return processor_.GetPieceSize(); }
  std::string IdToPiece(int id) const override { return processor_.IdToPiece(id); }
  float Score(int id) const override { return processor_.GetScore(id); }
  int PadId() const override { return processor_.pad_id(); }
  int UnkId() const override { return processor_.unk_id(); }
  int BosId() const override { return processor_.bos_id(); }
  int EosId() const override { return processor_.eos_id(); }

 private:
  sentencepiece::SentencePieceProcessor processor_;
};

}  // namespace

std::string Train(const std::vector<std::string>& sentences,
                  const std::map<std::string, std::string>& flags, unsigned int seed,
                  const std::string& log_path, std::string* serialized_model) {
  const std::unordered_map<std::string, std::string> kwargs(flags.begin(), flags.end());
  sentencepiece::SetRandomGeneratorSeed(seed);
  VectorIterator iterator(sentences);
  sentencepiece::util::Status status;
  {
    StderrRedirect redirect(log_path);
    status = sentencepiece::SentencePieceTrainer::Train(kwargs, &iterator, serialized_model);
  }
  return status.ok() ? "" : status.ToString();
}

void SetMinLogLevel(int level) { sentencepiece::logging::SetMinLogLevel(level); }

std::unique_ptr<Processor> Load(const std::string& model_bytes, std::string* error) {
  auto processor = std::make_unique<SentencePieceProcessor>();
  *error = processor->LoadModel(model_bytes);
  if (!error->empty()) return nullptr;
  return processor;
}

}  // namespace spm_bridge
}  // namespace core

// The one symbol libspm_bridge.so exports (it is built with hidden visibility).
extern "C" __attribute__((visibility("default"))) const core::spm_bridge::Api*
AdminTrainerSpmBridge() {
  static const core::spm_bridge::Api api = {&core::spm_bridge::Train, &core::spm_bridge::Load,
                                            &core::spm_bridge::SetMinLogLevel};
  return &api;
}
