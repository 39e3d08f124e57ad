// Runs a model on each text given on the command line with the C++ API of libmaas, printing one
// line per text. A classifier prints the top label, its probability, then every label's
// probability. A multi-label model prints the chosen labels joined by "," ("-" for none), then
// every label's probability. A regression model prints the predicted number.
// Usage: classify_cpp MODEL_DIR TEXT...

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <maas/classifier.hpp>

namespace {

void print_probabilities(const maas::Classifier& classifier, const maas::Prediction& prediction) {
  for (std::size_t c = 0; c < classifier.labels().size(); ++c) {
    std::printf("\t%s=%.6f", classifier.labels()[c].c_str(), prediction.probabilities[c]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL_DIR TEXT...\n", argv[0]);
    return 2;
  }
  try {
    const maas::Classifier classifier = maas::Classifier::load(argv[1]);
    const std::vector<std::string> texts(argv + 2, argv + argc);
    const std::vector<maas::Prediction> predictions = classifier.classify(texts);
    for (const maas::Prediction& prediction : predictions) {
      switch (classifier.task()) {
        case maas::ModelTask::kClassification:
          std::printf("%s\t%.6f", prediction.label.c_str(), prediction.probability);
          print_probabilities(classifier, prediction);
          break;
        case maas::ModelTask::kMultiLabel: {
          std::string chosen;
          for (const std::string& label : prediction.labels) chosen += (chosen.empty() ? "" : ",") + label;
          std::printf("%s", chosen.empty() ? "-" : chosen.c_str());
          print_probabilities(classifier, prediction);
          break;
        }
        case maas::ModelTask::kRegression:
          std::printf("%.6f", prediction.value);
          break;
      }
      std::printf("\n");
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "classify_cpp: %s\n", error.what());
    return 1;
  }
  return 0;
}
