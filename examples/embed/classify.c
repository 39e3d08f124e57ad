/* Runs a model on each text given on the command line with the C API of libmaas, printing the
 * same lines as classify_cpp. A classifier prints the top label, its probability, then every
 * label's probability. A multi-label model prints the chosen labels joined by "," ("-" for none),
 * then every label's probability. A regression model prints the predicted number.
 * Usage: classify_c MODEL_DIR TEXT... */

#include <stdio.h>
#include <stdlib.h>

#include <maas/maas.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s MODEL_DIR TEXT...\n", argv[0]);
    return 2;
  }
  char* error = NULL;
  maas_classifier* classifier = NULL;
  if (maas_classifier_load(argv[1], &classifier, &error) != MAAS_OK) {
    fprintf(stderr, "classify_c: %s\n", error != NULL ? error : "load failed");
    maas_string_free(error);
    return 1;
  }

  const size_t count = (size_t)(argc - 2);
  const size_t labels = maas_classifier_label_count(classifier);
  float* probabilities = malloc(count * labels * sizeof(float));
  if (probabilities == NULL) {
    fprintf(stderr, "classify_c: out of memory\n");
    maas_classifier_free(classifier);
    return 1;
  }
  int status = 0;
  if (maas_classify_batch(classifier, (const char* const*)(argv + 2), count, probabilities, count * labels,
                          &error) != MAAS_OK) {
    fprintf(stderr, "classify_c: %s\n", error != NULL ? error : "classification failed");
    maas_string_free(error);
    status = 1;
  } else {
    const maas_task task = maas_classifier_task(classifier);
    for (size_t i = 0; i < count; ++i) {
      const float* row = probabilities + i * labels;
      if (task == MAAS_TASK_REGRESSION) {
        /* maas_classify_batch writes the number itself; maas_predict_value returns it for one text. */
        printf("%.6f\n", row[0]);
        continue;
      }
      if (task == MAAS_TASK_MULTI_LABEL) {
        /* The same choice maas_classify_labels makes at the default threshold of 0.5. */
        int chosen = 0;
        for (size_t c = 0; c < labels; ++c) {
          if (row[c] >= 0.5f) printf("%s%s", chosen++ ? "," : "", maas_classifier_label(classifier, c));
        }
        if (chosen == 0) printf("-");
      } else {
        size_t top = 0;
        for (size_t c = 1; c < labels; ++c) {
          if (row[c] > row[top]) top = c;
        }
        printf("%s\t%.6f", maas_classifier_label(classifier, top), row[top]);
      }
      for (size_t c = 0; c < labels; ++c) printf("\t%s=%.6f", maas_classifier_label(classifier, c), row[c]);
      printf("\n");
    }
  }
  free(probabilities);
  maas_classifier_free(classifier);
  return status;
}
