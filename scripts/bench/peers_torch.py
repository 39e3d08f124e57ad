"""Train the seed text classifier in PyTorch, written the usual way (Keras-style word index,
TensorDataset and DataLoader, nn.Module), and write one predicted label per test row.

Model: Embedding 64 (20000 words, pre-padded and pre-truncated to 64 ids like Keras'
pad_sequences) -> mean over the sequence -> Linear 64 relu -> Linear to one logit per class with
cross-entropy, Adam 0.001, batch 32, 5 epochs, validation loss and accuracy on the last 10 % of
train.csv after each epoch.

Usage: peers_torch.py DATASET_DIR PREDICTIONS RESULT_JSON THREADS
train_seconds in RESULT_JSON covers building the word index, encoding and the training loop,
not the torch import or the test-set prediction.
"""

import collections
import os
import sys
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from peers_common import keras_words, read_dataset, training_rows, write_result

NUM_WORDS = 20000
SEQUENCE_LENGTH = 64
EMBEDDING_DIM = 64
BATCH_SIZE = 32
EPOCHS = 5


class SeedClassifier(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.embedding = nn.Embedding(NUM_WORDS, EMBEDDING_DIM, padding_idx=0)
        self.hidden = nn.Linear(EMBEDDING_DIM, 64)
        self.output = nn.Linear(64, num_classes)

    def forward(self, ids):
        x = self.embedding(ids).mean(dim=1)
        return self.output(torch.relu(self.hidden(x)))


def fit_word_index(texts):
    """Rank words by count like Keras' Tokenizer: id 1 is the most frequent, ids stop below NUM_WORDS."""
    counts = collections.Counter(word for text in texts for word in keras_words(text))
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    return {word: i + 1 for i, (word, _) in enumerate(ranked[: NUM_WORDS - 1])}


def encode(texts, word_index):
    """Return a LongTensor of ids, pre-padded with 0 and pre-truncated to SEQUENCE_LENGTH."""
    ids = torch.zeros((len(texts), SEQUENCE_LENGTH), dtype=torch.long)
    for row, text in enumerate(texts):
        sequence = [word_index[w] for w in keras_words(text) if w in word_index][-SEQUENCE_LENGTH:]
        if sequence:
            ids[row, SEQUENCE_LENGTH - len(sequence):] = torch.tensor(sequence)
    return ids


def main():
    dataset_dir, predictions_path, result_path, threads = sys.argv[1:5]
    torch.manual_seed(1)
    torch.set_num_threads(int(threads))
    texts, labels = read_dataset(os.path.join(dataset_dir, "train.csv"))
    test_texts, _ = read_dataset(os.path.join(dataset_dir, "test.csv"))
    classes = sorted(set(labels))
    index = {label: i for i, label in enumerate(classes)}

    start = time.perf_counter()
    start_cpu = time.process_time()
    train_texts, train_labels, val_texts, val_labels = training_rows(texts, labels)
    word_index = fit_word_index(train_texts)
    train_set = TensorDataset(encode(train_texts, word_index),
                              torch.tensor([index[x] for x in train_labels]))
    val_ids = encode(val_texts, word_index)
    val_targets = torch.tensor([index[x] for x in val_labels])
    loader = DataLoader(train_set, batch_size=BATCH_SIZE, shuffle=True)

    model = SeedClassifier(len(classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(EPOCHS):
        model.train()
        total = 0.0
        for ids, targets in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(ids), targets)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(targets)
        model.eval()
        with torch.no_grad():
            val_logits = model(val_ids)
            val_loss = loss_fn(val_logits, val_targets).item()
            val_accuracy = (val_logits.argmax(dim=1) == val_targets).float().mean().item()
        print(f"epoch {epoch + 1}: loss {total / len(train_set):.4f} val_loss {val_loss:.4f} "
              f"val_accuracy {val_accuracy:.4f}", file=sys.stderr)
    train_seconds = time.perf_counter() - start
    train_cpu_seconds = time.process_time() - start_cpu

    model.eval()
    with torch.no_grad():
        predicted = model(encode(test_texts, word_index)).argmax(dim=1)
    with open(predictions_path, "w", encoding="utf-8") as f:
        for i in predicted.tolist():
            f.write(classes[i] + "\n")
    write_result(result_path, train_seconds=train_seconds, train_cpu_seconds=train_cpu_seconds,
                 version=f"PyTorch {torch.__version__}")


if __name__ == "__main__":
    main()
