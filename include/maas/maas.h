#ifndef MAAS_MAAS_H_
#define MAAS_MAAS_H_
/* The C API of libmaas: load a model folder written by `maas train` and classify UTF-8 text.
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

/* A loaded model; opaque. */
typedef struct maas_classifier maas_classifier;

/* Loads and verifies the model folder `model_dir`. On success stores the handle in *classifier;
 * on failure stores NULL there. */
MAAS_API maas_status maas_classifier_load(const char* model_dir, maas_classifier** classifier,
                                          char** error);

/* Releases a handle from maas_classifier_load. NULL is ignored. */
MAAS_API void maas_classifier_free(maas_classifier* classifier);

/* Number of labels, which is the number of probabilities per text. 0 for NULL. */
MAAS_API size_t maas_classifier_label_count(const maas_classifier* classifier);

/* The label at `index` in output order, valid until the handle is freed, or NULL when `index`
 * is out of range or `classifier` is NULL. */
MAAS_API const char* maas_classifier_label(const maas_classifier* classifier, size_t index);

/* Writes one probability per label for `text` into probabilities[0, label_count). `capacity` is
 * the buffer's size in floats and must be at least the label count. */
MAAS_API maas_status maas_classify(const maas_classifier* classifier, const char* text,
                                   float* probabilities, size_t capacity, char** error);

/* Classifies texts[0, count) into the row-major [count, label_count] buffer `probabilities`,
 * whose `capacity` (in floats) must be at least count * label_count. Nothing is written unless
 * every text is valid. */
MAAS_API maas_status maas_classify_batch(const maas_classifier* classifier, const char* const* texts,
                                         size_t count, float* probabilities, size_t capacity,
                                         char** error);

/* Releases a message stored by an error out-parameter. NULL is ignored. */
MAAS_API void maas_string_free(char* text);

/* The maas version that built this library, such as "0.1.0". */
MAAS_API const char* maas_version(void);

#ifdef __cplusplus
}
#endif

#endif /* MAAS_MAAS_H_ */
