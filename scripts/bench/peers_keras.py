"""Train the seed text classifier in Keras (TensorFlow backend) and write one predicted label
per test row. The code follows the usual Keras text-classification recipe: a TextVectorization
layer adapted on the training texts and mapped over a tf.data pipeline, then a Sequential-style
model compiled with Adam.

Model: TextVectorization(20000 words, length 64) -> Embedding 64 -> GlobalAveragePooling1D ->
Dense 64 relu -> Dense softmax (sigmoid for two labels), Adam 0.001, batch 32, 5 epochs,
validation_split 0.1 through a held-out tf.data set of the last 10 % of train.csv.

Usage: peers_keras.py DATASET_DIR PREDICTIONS RESULT_JSON THREADS
train_seconds in RESULT_JSON covers vectorizer fitting, vectorizing and fit(), not the
TensorFlow import or the test-set prediction.
"""

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

from peers_common import read_dataset, training_rows, write_result  # noqa: E402

MAX_TOKENS = 20000
SEQUENCE_LENGTH = 64
EMBEDDING_DIM = 64
BATCH_SIZE = 32
EPOCHS = 5


def main():
    dataset_dir, predictions_path, result_path, threads = sys.argv[1:5]
    keras.utils.set_random_seed(1)
    tf.config.threading.set_intra_op_parallelism_threads(int(threads))
    tf.config.threading.set_inter_op_parallelism_threads(int(threads))
    texts, labels = read_dataset(os.path.join(dataset_dir, "train.csv"))
    test_texts, _ = read_dataset(os.path.join(dataset_dir, "test.csv"))
    classes = sorted(set(labels))
    index = {label: i for i, label in enumerate(classes)}
    binary = len(classes) == 2

    start = time.perf_counter()
    start_cpu = time.process_time()
    train_texts, train_labels, val_texts, val_labels = training_rows(texts, labels)
    raw_train = tf.data.Dataset.from_tensor_slices(
        (train_texts, np.array([index[x] for x in train_labels], dtype="int32")))
    raw_val = tf.data.Dataset.from_tensor_slices(
        (val_texts, np.array([index[x] for x in val_labels], dtype="int32")))

    vectorize_layer = layers.TextVectorization(
        max_tokens=MAX_TOKENS, output_mode="int", output_sequence_length=SEQUENCE_LENGTH)
    vectorize_layer.adapt(raw_train.map(lambda text, label: text).batch(BATCH_SIZE))

    def vectorize_text(text, label):
        return vectorize_layer(tf.expand_dims(text, -1))[0], label

    train_ds = (raw_train.map(vectorize_text).cache()
                .shuffle(len(train_texts), seed=1, reshuffle_each_iteration=True)
                .batch(BATCH_SIZE).prefetch(tf.data.AUTOTUNE))
    val_ds = raw_val.map(vectorize_text).cache().batch(BATCH_SIZE).prefetch(tf.data.AUTOTUNE)

    inputs = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64")
    x = layers.Embedding(MAX_TOKENS, EMBEDDING_DIM)(inputs)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dense(64, activation="relu")(x)
    if binary:
        outputs = layers.Dense(1, activation="sigmoid")(x)
        loss = "binary_crossentropy"
    else:
        outputs = layers.Dense(len(classes), activation="softmax")(x)
        loss = "sparse_categorical_crossentropy"
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss=loss,
                  metrics=["accuracy"])
    model.fit(train_ds, validation_data=val_ds, epochs=EPOCHS, verbose=2)
    train_seconds = time.perf_counter() - start
    train_cpu_seconds = time.process_time() - start_cpu

    test_ids = vectorize_layer(tf.constant(test_texts))
    probabilities = model.predict(test_ids, batch_size=256, verbose=0)
    if binary:
        predicted = (probabilities[:, 0] > 0.5).astype(int)
    else:
        predicted = probabilities.argmax(axis=1)
    with open(predictions_path, "w", encoding="utf-8") as f:
        for i in predicted:
            f.write(classes[int(i)] + "\n")
    write_result(result_path, train_seconds=train_seconds, train_cpu_seconds=train_cpu_seconds,
                 version=f"TensorFlow {tf.__version__}, Keras {keras.__version__}")


if __name__ == "__main__":
    main()
