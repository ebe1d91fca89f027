// One German-English sentence pair: the unit every corpus source produces.
//
//   SentencePair pair{"Der Zug fährt auf Gleis 2 ein.", "The train is arriving at platform 2."};
#ifndef CORE_DATA_SENTENCE_PAIR_H_
#define CORE_DATA_SENTENCE_PAIR_H_

#include <string>
#include <tuple>

namespace core {

struct SentencePair {
  // The German side (the corpus's source language, whatever the training direction).
  std::string german;
  // The English side.
  std::string english;

  bool operator==(const SentencePair& other) const {
    return german == other.german && english == other.english;
  }
  bool operator<(const SentencePair& other) const {
    return std::tie(german, english) < std::tie(other.german, other.english);
  }
};

}  // namespace core

#endif  // CORE_DATA_SENTENCE_PAIR_H_
