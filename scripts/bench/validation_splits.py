"""Make the rotated training files of scripts/bench/validate_config.sh and summarize its runs.

Usage:
  validation_splits.py rotate SOURCE_CSV DESTINATION_CSV TENTH
      Write SOURCE_CSV with its rows rotated so that tenth TENTH (1 to 10) of the rows comes last.
      The header stays first. Tenth k ends after row floor(k * rows / 10). Records are copied byte
      for byte, and a quoted field that spans several lines stays in one record.
  validation_splits.py summarize [--json] (LABEL SECONDS RUN_DIR)...
      Read the last line of each RUN_DIR/metrics.jsonl and print each split's val_accuracy,
      val_macro_f1 and training wall time in SECONDS, and the means (one JSON object with --json).
"""

import csv
import json
import os
import sys


def read_records(path):
    """Return the raw text of each CSV record of PATH, header first, line endings kept."""
    records = []
    pending = []

    def lines(handle):
        for line in handle:
            pending.append(line)
            yield line

    # surrogateescape keeps bytes that are not UTF-8, so the copy is exact.
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        for _ in csv.reader(lines(handle)):
            records.append("".join(pending))
            pending.clear()
    return records


def rotate(source, destination, tenth_text):
    tenth = int(tenth_text)
    if not 1 <= tenth <= 10:
        raise SystemExit(f"error: tenth {tenth_text} is out of range; expected 1 to 10")
    records = read_records(source)
    if len(records) < 11:
        raise SystemExit(f"error: {source} has {max(len(records) - 1, 0)} rows; rotating by "
                         "tenths needs at least 10")
    header, rows = records[0], records[1:]
    if not rows[-1].endswith("\n"):
        rows[-1] += "\n"
    end = tenth * len(rows) // 10
    with open(destination, "w", encoding="utf-8", errors="surrogateescape", newline="") as out:
        out.write(header)
        out.writelines(rows[end:])
        out.writelines(rows[:end])


def final_epoch(run_dir):
    path = os.path.join(run_dir, "metrics.jsonl")
    with open(path, encoding="utf-8") as handle:
        lines = [line for line in handle.read().splitlines() if line.strip()]
    if not lines:
        raise SystemExit(f"error: {path} is empty, so the run finished no epoch")
    metrics = json.loads(lines[-1])
    for key in ("val_accuracy", "val_macro_f1"):
        if metrics.get(key) is None:
            raise SystemExit(f"error: {path} has no {key} in its last epoch; set "
                             "training.validation_split above 0 and use a classification task")
    return metrics


def summarize(args):
    as_json = "--json" in args
    runs = [arg for arg in args if arg != "--json"]
    if not runs or len(runs) % 3:
        raise SystemExit("error: summarize expects LABEL SECONDS RUN_DIR for each split, got "
                         f"{len(runs)} arguments")
    splits = []
    for label, seconds, run_dir in zip(runs[0::3], runs[1::3], runs[2::3]):
        metrics = final_epoch(run_dir)
        splits.append({"split": label, "epoch": metrics.get("epoch"),
                       "val_accuracy": metrics["val_accuracy"],
                       "val_macro_f1": metrics["val_macro_f1"],
                       "seconds": round(float(seconds), 1)})
    mean_accuracy = sum(s["val_accuracy"] for s in splits) / len(splits)
    mean_macro_f1 = sum(s["val_macro_f1"] for s in splits) / len(splits)
    mean_seconds = sum(s["seconds"] for s in splits) / len(splits)
    if as_json:
        print(json.dumps({"splits": splits, "mean_val_accuracy": round(mean_accuracy, 6),
                          "mean_val_macro_f1": round(mean_macro_f1, 6),
                          "mean_seconds": round(mean_seconds, 1)}))
        return
    for split in splits:
        print(f"{split['split']:<24} val_accuracy {split['val_accuracy']:.4f}  "
              f"val_macro_f1 {split['val_macro_f1']:.4f}  {split['seconds']:.1f} s")
    print(f"{'mean':<24} val_accuracy {mean_accuracy:.4f}  val_macro_f1 {mean_macro_f1:.4f}  "
          f"{mean_seconds:.1f} s")


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "rotate":
        rotate(*sys.argv[2:5])
    elif len(sys.argv) >= 3 and sys.argv[1] == "summarize":
        summarize(sys.argv[2:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
