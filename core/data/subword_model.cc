#include "core/data/subword_model.h"

#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/data/sentencepiece_bridge.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"

namespace core {

std::map<std::string, std::string> SubwordTrainingOptions::TrainerFlags() const {
  return {
      {"model_type", model_type},
      {"vocab_size", absl::StrCat(vocab_size)},
      {"character_coverage", "1.0"},
      // A character absent from the training split (a test sentence's "&") is spelled as
      // UTF-8 byte pieces instead of <unk>, so decoding still restores it.
      {"byte_fallback", "true"},
      {"normalization_rule_name", "identity"},
      {"num_threads", absl::StrCat(num_threads)},
      {"input_sentence_size", "0"},
      {"shuffle_input_sentence", "false"},
      {"pad_id", absl::StrCat(pad_id)},
      {"unk_id", absl::StrCat(unk_id)},
      {"bos_id", absl::StrCat(bos_id)},
      {"eos_id", absl::StrCat(eos_id)},
  };
}

absl::Status SubwordModel::Train(const std::vector<std::string>& sentences,
                                 const SubwordTrainingOptions& options,
                                 const std::string& model_prefix) {
  if (sentences.empty()) {
    return absl::InvalidArgumentError("cannot train a SentencePiece model on no sentences");
  }
  std::string serialized;
  const std::string error = spm_bridge::Train(sentences, options.TrainerFlags(), options.seed,
                                              options.log_path, &serialized);
  if (!error.empty()) {
    return absl::InternalError(absl::StrCat("SentencePiece training (vocab_size ",
                                            options.vocab_size, ") failed: ", error));
  }
  std::string load_error;
  std::unique_ptr<spm_bridge::Processor> processor = spm_bridge::Load(serialized, &load_error);
  if (processor == nullptr) {
    return absl::InternalError(
        absl::StrCat("SentencePiece produced an unreadable model: ", load_error));
  }
  std::ostringstream vocab;
  for (int id = 0; id < processor->PieceCount(); ++id) {
    vocab << processor->IdToPiece(id) << "\t" << processor->Score(id) << "\n";
  }
  RETURN_IF_ERROR(WriteFileAtomically(model_prefix + ".model", serialized));
  return WriteFileAtomically(model_prefix + ".vocab", vocab.str());
}

absl::StatusOr<std::unique_ptr<SubwordModel>> SubwordModel::Load(const std::string& path) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(path));
  std::string error;
  std::unique_ptr<spm_bridge::Processor> processor = spm_bridge::Load(bytes, &error);
  if (processor == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a readable SentencePiece model (", error, ")"));
  }
  return std::unique_ptr<SubwordModel>(new SubwordModel(std::move(processor)));
}

SubwordModel::SubwordModel(std::unique_ptr<spm_bridge::Processor> processor)
    : processor_(std::move(processor)) {}

SubwordModel::~SubwordModel() = default;

absl::StatusOr<std::vector<int>> SubwordModel::Encode(absl::string_view text) const {
  std::vector<int> ids;
  const std::string error = processor_->Encode(std::string(text), &ids);
  if (!error.empty()) return absl::InternalError(absl::StrCat("SentencePiece encode: ", error));
  return ids;
}

absl::StatusOr<std::string> SubwordModel::Decode(const std::vector<int>& ids) const {
  for (int id : ids) {
    if (id < 0 || id >= vocab_size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot decode id ", id, ": the vocabulary has ", vocab_size(), " pieces"));
    }
  }
  std::string text;
  const std::string error = processor_->Decode(ids, &text);
  if (!error.empty()) return absl::InternalError(absl::StrCat("SentencePiece decode: ", error));
  return text;
}

int SubwordModel::vocab_size() const { return processor_->PieceCount(); }
std::string SubwordModel::IdToPiece(int id) const { return processor_->IdToPiece(id); }
float SubwordModel::Score(int id) const { return processor_->Score(id); }
int SubwordModel::pad_id() const { return processor_->PadId(); }
int SubwordModel::unk_id() const { return processor_->UnkId(); }
int SubwordModel::bos_id() const { return processor_->BosId(); }
int SubwordModel::eos_id() const { return processor_->EosId(); }

}  // namespace core
