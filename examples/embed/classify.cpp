// Classifies each text given on the command line with the C++ API of libmaas, printing one line
// per text: the top label, its probability, then every label's probability.
// Usage: classify_cpp MODEL_DIR TEXT...

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <maas/classifier.hpp>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL_DIR TEXT...\n", argv[0]);
    return 2;
  }
  try {
    const maas::Classifier classifier = maas::Classifier::load(argv[1]);
    const std::vector<std::string> texts(argv + 2, argv + argc);
    const std::vector<maas::Prediction> predictions = classifier.classify(texts);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      std::printf("%s\t%.6f", predictions[i].label.c_str(), predictions[i].probability);
      for (std::size_t c = 0; c < classifier.labels().size(); ++c) {
        std::printf("\t%s=%.6f", classifier.labels()[c].c_str(), predictions[i].probabilities[c]);
      }
      std::printf("\n");
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "classify_cpp: %s\n", error.what());
    return 1;
  }
  return 0;
}
