// A joint SentencePiece BPE model: training it on a corpus, and encoding/decoding text.
//
// The model is trained once per dataset (tools/prepare_data) on both languages of the
// training split and saved as `spm.model` beside the text; the loader encodes with it
// and the trainer decodes hypotheses with it before scoring, so BLEU/chrF see detokenized
// text. Identity normalisation, full character coverage and byte fallback make
// Decode(Encode(x)) == x for any corpus line, even with characters unseen in training
// (typography is normalised earlier, by NormalizeTypography).
//
//   SubwordTrainingOptions options;  // vocab_size 8000
//   absl::Status trained =
//       SubwordModel::Train(sentences, options, "data/tmp/spm");  // spm.model, spm.vocab
//   absl::StatusOr<std::unique_ptr<SubwordModel>> model =
//       SubwordModel::Load("data/tmp/spm.model");
//   std::vector<int> ids = *(*model)->Encode("Der Zug fährt ein.");
//   std::string text = *(*model)->Decode(ids);  // "Der Zug fährt ein."
#ifndef CORE_DATA_SUBWORD_MODEL_H_
#define CORE_DATA_SUBWORD_MODEL_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace core {

namespace spm_bridge {
class Processor;
}  // namespace spm_bridge

// How the BPE model is trained. Every field is recorded in the dataset manifest.
struct SubwordTrainingOptions {
  // Pieces in the vocabulary, special symbols included. Too large for the corpus is an
  // error from SentencePiece ("Vocabulary size is too high").
  int vocab_size = 8000;
  // "bpe" (as the paper's fairseq setups) or "unigram".
  std::string model_type = "bpe";
  // Seed of SentencePiece's random generator (BPE training itself does not sample; the
  // seed is fixed so that any sampling the library does is repeatable).
  unsigned int seed = 1;
  // Trainer threads; 1 keeps the merge order independent of scheduling.
  int num_threads = 1;
  // Special ids. The padding id is 0 so that zero-filled buffers are padding.
  int pad_id = 0;
  int unk_id = 1;
  int bos_id = 2;
  int eos_id = 3;
  // Where the trainer's progress log goes ("" leaves it on stderr).
  std::string log_path;

  // The SentencePiece trainer flags these options stand for (plus the fixed ones:
  // identity normalisation, character_coverage 1.0, byte fallback, all sentences, no
  // shuffling). No model_prefix: the model is returned in memory and written by Train,
  // since the model records its prefix and a path there would make its bytes depend on
  // where it was built.
  std::map<std::string, std::string> TrainerFlags() const;
};

class SubwordModel {
 public:
  // Trains on `sentences` and writes <model_prefix>.model and <model_prefix>.vocab (one
  // "piece<TAB>score" line per id, as SentencePiece's own trainer writes it). The same
  // sentences and options give byte-identical files.
  static absl::Status Train(const std::vector<std::string>& sentences,
                            const SubwordTrainingOptions& options, const std::string& model_prefix);

  // Loads a .model file. A missing or unreadable file is an error naming it.
  static absl::StatusOr<std::unique_ptr<SubwordModel>> Load(const std::string& path);

  ~SubwordModel();
  SubwordModel(const SubwordModel&) = delete;
  SubwordModel& operator=(const SubwordModel&) = delete;

  // Piece ids of `text`, without BOS or EOS.
  absl::StatusOr<std::vector<int>> Encode(absl::string_view text) const;
  // The text of `ids`; special ids (pad, BOS, EOS) decode to nothing.
  absl::StatusOr<std::string> Decode(const std::vector<int>& ids) const;

  int vocab_size() const;
  std::string IdToPiece(int id) const;
  float Score(int id) const;
  int pad_id() const;
  int unk_id() const;
  int bos_id() const;
  int eos_id() const;

 private:
  explicit SubwordModel(std::unique_ptr<spm_bridge::Processor> processor);

  std::unique_ptr<spm_bridge::Processor> processor_;
};

}  // namespace core

#endif  // CORE_DATA_SUBWORD_MODEL_H_
