"""Shared pieces of the training benchmark against peers (train_vs_peers.sh).

Every tool trains on the same rows and is scored by the same code. The training set is the
first 90 % of a dataset's train.csv, because `maas train` with validation_split 0.1 and Keras'
`fit(validation_split=0.1)` both hold out the last 10 % of the rows for validation.
Accuracy and macro-F1 are computed here from one predicted label per test row, so no tool's
own metric code is trusted.
"""

import csv
import json

# Keras' Tokenizer default filters, which maas's tokenizer also uses.
KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
VALIDATION_SPLIT = 0.1


def read_dataset(path):
    """Read a `text,label` CSV and return (texts, labels) as two lists of strings."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows or "text" not in rows[0] or "label" not in rows[0]:
        raise SystemExit(f"error: {path} has no rows with the columns text and label; "
                         "expected the shared/datasets CSV layout (header text,label)")
    return [row["text"] for row in rows], [row["label"] for row in rows]


def training_rows(texts, labels):
    """Split train.csv rows into (train_texts, train_labels, val_texts, val_labels), last 10 % held out."""
    cut = int(len(texts) * (1.0 - VALIDATION_SPLIT))
    return texts[:cut], labels[:cut], texts[cut:], labels[cut:]


def keras_words(text):
    """Split text the way Keras' Tokenizer does with its defaults: lower-case, filters become spaces."""
    table = str.maketrans({c: " " for c in KERAS_FILTERS})
    return text.lower().translate(table).split()


def score(truth, predicted):
    """Return accuracy and macro-F1 over the classes present in `truth`.

    Macro-F1 is the unweighted mean of per-class F1, and a class with no true positives has
    F1 0. Only the labels of the test set are averaged, so a label that is predicted but never
    true adds no class. This matches sklearn's f1_score(average="macro", labels=sorted(set(truth))).
    """
    if len(truth) != len(predicted):
        raise SystemExit(f"error: {len(predicted)} predictions for {len(truth)} test rows; "
                         "the tool must print one label per test row")
    classes = sorted(set(truth))
    correct = sum(t == p for t, p in zip(truth, predicted))
    f1s = []
    for label in classes:
        tp = sum(t == label and p == label for t, p in zip(truth, predicted))
        fp = sum(t != label and p == label for t, p in zip(truth, predicted))
        fn = sum(t == label and p != label for t, p in zip(truth, predicted))
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return {"accuracy": correct / len(truth), "macro_f1": sum(f1s) / len(f1s)}


def write_result(path, **fields):
    """Write one tool's result (train_seconds, predictions path, ...) as a JSON object."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(fields, f)
