// A small synthetic dictionary in the Ding format, for tests that need a corpus big
// enough to split and to train a SentencePiece model on, without the real package.
//
//   std::string path = WriteSyntheticDing(dir + "/de-en", 1500);
#ifndef TESTS_SYNTHETIC_DING_H_
#define TESTS_SYNTHETIC_DING_H_

#include <fstream>
#include <string>
#include <vector>

namespace testing_data {

// Writes a Ding-format file with `sentences` distinct example-sentence pairs (each on a
// headword line with annotations) plus header and headword-only lines; returns `path`.
inline std::string WriteSyntheticDing(const std::string& path, int sentences) {
  const std::vector<std::pair<std::string, std::string>> subjects = {
      {"Der Hund", "The dog"},       {"Die Katze", "The cat"},  {"Der Lehrer", "The teacher"},
      {"Meine Mutter", "My mother"}, {"Das Kind", "The child"}, {"Unser Nachbar", "Our neighbour"},
      {"Die Ärztin", "The doctor"},  {"Ein Vogel", "A bird"}};
  const std::vector<std::pair<std::string, std::string>> verbs = {
      {"sieht", "sees"}, {"sucht", "looks for"}, {"findet", "finds"}, {"malt", "paints"},
      {"kauft", "buys"}, {"zählt", "counts"},    {"trägt", "carries"}};
  const std::vector<std::pair<std::string, std::string>> objects = {
      {"den Ball", "the ball"},     {"die Zeitung", "the newspaper"},
      {"den Schlüssel", "the key"}, {"das Fahrrad", "the bicycle"},
      {"die Äpfel", "the apples"},  {"den Brief", "the letter"}};
  std::ofstream out(path);
  out << "# Version :: synthetic test dictionary\n";
  out << "Hund {m}; Köter {m} [ugs.] | Hunde {pl} :: dog; cur [coll.] | dogs\n";
  int written = 0;
  for (int number = 1; written < sentences; ++number) {
    for (const auto& [de_subject, en_subject] : subjects) {
      for (const auto& [de_verb, en_verb] : verbs) {
        for (const auto& [de_object, en_object] : objects) {
          if (written == sentences) break;
          out << "Wort {n} [test] | " << de_subject << " " << de_verb << " " << number << " "
              << de_object << ". :: word | " << en_subject << " " << en_verb << " " << number << " "
              << en_object << ".\n";
          ++written;
        }
      }
    }
  }
  return path;
}

}  // namespace testing_data

#endif  // TESTS_SYNTHETIC_DING_H_
