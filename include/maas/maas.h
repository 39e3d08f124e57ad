#ifndef MAAS_MAAS_H_
#define MAAS_MAAS_H_
/* The C API of libmaas: load a model folder written by `maas train` and run it on UTF-8 text.
 * maas_classifier_task determines how to read the outputs: probabilities that sum to 1
 * (classification), one independent probability per label (multi-label), or one number
 * (regression).
 *
 * No C++ exception crosses this API. A function that can fail returns a maas_status and, when
 * `error` is not NULL, stores a message in *error that the caller releases with
 * maas_string_free (it is set to NULL on success). Strings are NUL-terminated UTF-8.
 *
 * Thread safety: maas_classify and maas_classify_batch may run on many threads at once on the
 * same handle. maas_classifier_free must not run while another call uses that handle. */

#include <stddef.h>

#include "maas/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum maas_status {
  MAAS_OK = 0,
  MAAS_ERROR_INVALID_ARGUMENT = 1, /* NULL pointer, invalid UTF-8, buffer too small */
  MAAS_ERROR_IO = 2,               /* the model folder is missing, damaged or unreadable */
  MAAS_ERROR_INTERNAL = 3          /* anything else, such as memory exhaustion */
} maas_status;

/* The kind of output a model predicts, set by training.task of its training config. */
typedef enum maas_task {
  MAAS_TASK_CLASSIFICATION = 0, /* one label per text */
  MAAS_TASK_MULTI_LABEL = 1,    /* zero or more labels per text, one independent probability each */
  MAAS_TASK_REGRESSION = 2      /* one number per text; the model has one label, the number's name */
} maas_task;

/* A loaded model; opaque. */
typedef struct maas_classifier maas_classifier;

/* Loads and verifies the model folder `model_dir`. On success stores the handle in *classifier;
 * on failure stores NULL there. */
MAAS_API maas_status maas_classifier_load(const char* model_dir, maas_classifier** classifier,
                                          char** error);

/* Releases a handle from maas_classifier_load. NULL is ignored. */
MAAS_API void maas_classifier_free(maas_classifier* classifier);

/* The model's task. MAAS_TASK_CLASSIFICATION for NULL. */
MAAS_API maas_task maas_classifier_task(const maas_classifier* classifier);

/* Number of labels, which is the number of outputs per text (1 for regression). 0 for NULL. */
MAAS_API size_t maas_classifier_label_count(const maas_classifier* classifier);

/* The label at `index` in output order, valid until the handle is freed, or NULL when `index`
 * is out of range or `classifier` is NULL. */
MAAS_API const char* maas_classifier_label(const maas_classifier* classifier, size_t index);

/* Writes the model's outputs for `text` into probabilities[0, label_count): one probability per
 * label, or the predicted number for regression. `capacity` is the buffer's size in floats and
 * must be at least the label count. */
MAAS_API maas_status maas_classify(const maas_classifier* classifier, const char* text,
                                   float* probabilities, size_t capacity, char** error);

/* Classifies texts[0, count) into the row-major [count, label_count] buffer `probabilities`,
 * whose `capacity` (in floats) must be at least count * label_count. Nothing is written unless
 * every text is valid. */
MAAS_API maas_status maas_classify_batch(const maas_classifier* classifier, const char* const* texts,
                                         size_t count, float* probabilities, size_t capacity,
                                         char** error);

/* Chooses the labels of `text` for a classification or multi-label model. Writes one probability
 * per label into probabilities[0, label_count), and 1 for each chosen label and 0 for the rest
 * into chosen[0, label_count). A classifier chooses its top label alone. A multi-label model
 * chooses every label whose probability is at or above `threshold`, for which `maas predict`
 * uses 0.5 by default.
 * Stores the number of chosen labels in *chosen_count unless it is NULL. Both buffers hold
 * `capacity` elements, at least the label count. A regression model, or a threshold outside
 * [0, 1], returns MAAS_ERROR_INVALID_ARGUMENT. */
MAAS_API maas_status maas_classify_labels(const maas_classifier* classifier, const char* text, float threshold,
                                          float* probabilities, unsigned char* chosen, size_t capacity,
                                          size_t* chosen_count, char** error);

/* Stores the predicted number for `text` in *value. A model whose task is not regression returns
 * MAAS_ERROR_INVALID_ARGUMENT. */
MAAS_API maas_status maas_predict_value(const maas_classifier* classifier, const char* text, float* value,
                                        char** error);

/* Releases a message stored by an error out-parameter. NULL is ignored. */
MAAS_API void maas_string_free(char* text);

/* The maas version that built this library, such as "0.1.0". */
MAAS_API const char* maas_version(void);

#ifdef __cplusplus
}
#endif

#endif /* MAAS_MAAS_H_ */
