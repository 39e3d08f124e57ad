"""Runs an exported model.onnx in ONNX Runtime and compares it with the probabilities maas computed.

Usage: onnx_runtime_check.py MODEL_ONNX CASES_JSON
CASES_JSON contains {"ids": [[...], ...], "probabilities": [[...], ...], "tolerance": 1e-5} and
optionally "output", the graph output to compare ("probabilities" unless given).
Prints the largest absolute difference; exits 1 when it exceeds the tolerance, 0 otherwise.
"""

import json
import sys

import numpy as np
import onnx
import onnxruntime


def main() -> int:
    model_path, cases_path = sys.argv[1], sys.argv[2]
    onnx.checker.check_model(onnx.load(model_path), full_check=True)
    with open(cases_path, encoding="utf-8") as file:
        cases = json.load(file)
    ids = np.asarray(cases["ids"], dtype=np.int64)
    expected = np.asarray(cases["probabilities"], dtype=np.float32)

    session = onnxruntime.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    (actual,) = session.run([cases.get("output", "probabilities")], {"ids": ids})
    if actual.shape != expected.shape:
        print(f"shape mismatch: onnxruntime {actual.shape}, maas {expected.shape}")
        return 1
    difference = float(np.max(np.abs(actual - expected)))
    print(f"max_abs_difference {difference:.3g} over {ids.shape[0]} texts "
          f"(onnxruntime {onnxruntime.__version__})")
    return 0 if difference <= cases["tolerance"] else 1


if __name__ == "__main__":
    sys.exit(main())
