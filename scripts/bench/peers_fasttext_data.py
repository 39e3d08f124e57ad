"""Write a dataset in fastText's format for the training benchmark against peers.

fastText trains on the same first 90 % of train.csv as the other tools (see peers_common.py).
Texts are lower-cased and the Keras filter characters become spaces, which is the text that the
maas, Keras-style tokenizers split, so every tool sees the same words.

Usage: peers_fasttext_data.py DATASET_DIR OUTPUT_DIR
Writes OUTPUT_DIR/train.txt (`__label__LABEL words...` lines) and OUTPUT_DIR/test_texts.txt
(the words of each test row, one row per line, in test.csv order).
"""

import os
import sys

from peers_common import keras_words, read_dataset, training_rows


def main():
    dataset_dir, output_dir = sys.argv[1:3]
    os.makedirs(output_dir, exist_ok=True)
    texts, labels = read_dataset(os.path.join(dataset_dir, "train.csv"))
    train_texts, train_labels, _, _ = training_rows(texts, labels)
    with open(os.path.join(output_dir, "train.txt"), "w", encoding="utf-8") as out:
        for text, label in zip(train_texts, train_labels):
            out.write("__label__" + label.replace(" ", "_") + " " + " ".join(keras_words(text)) + "\n")
    test_texts, _ = read_dataset(os.path.join(dataset_dir, "test.csv"))
    with open(os.path.join(output_dir, "test_texts.txt"), "w", encoding="utf-8") as out:
        for text in test_texts:
            out.write(" ".join(keras_words(text)) + "\n")


if __name__ == "__main__":
    main()
