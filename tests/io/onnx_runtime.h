#pragma once
// Runs exported ONNX graphs in ONNX Runtime from Python (tests/io/onnx_runtime_check.py) and
// compares them with maas's own probabilities.

#include <filesystem>
#include <string>
#include <vector>

#include "core/io/artifact.h"

namespace maas::io {

inline constexpr const char* kOnnxRuntimeMissing =
    "the Python packages onnxruntime, onnx and numpy are missing; "
    "install them with 'pip install onnxruntime onnx numpy' (.ci/run does)";

// Returns true when python3 can import onnxruntime, onnx and numpy.
bool onnxruntime_available();

struct CommandResult {
  int status = -1;     // as pclose returns it: 0 for success
  std::string output;  // stdout and stderr together
};

// Runs `command` in a shell and returns its exit status and output.
CommandResult run_command(const std::string& command);

// Exports `model` to `dir`, encodes `texts` with the model's tokenizer, and runs the graph in ONNX
// Runtime against maas's probabilities for the same ids, within 1e-5. The output contains the
// largest absolute difference, or what failed.
CommandResult compare_with_onnx_runtime(const Model& model, const std::vector<std::string>& texts,
                                        const std::filesystem::path& dir);

}  // namespace maas::io
