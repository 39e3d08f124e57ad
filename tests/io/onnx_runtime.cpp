#include "tests/io/onnx_runtime.h"

#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "core/io/file_io.h"
#include "core/io/onnx_export.h"

namespace maas::io {

namespace fs = std::filesystem;

bool onnxruntime_available() {
  return std::system("python3 -c 'import onnxruntime, onnx, numpy' >/dev/null 2>&1") == 0;
}

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    result.output = "popen failed for: " + command;
    return result;
  }
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) result.output += buffer;
  result.status = ::pclose(pipe);
  return result;
}

CommandResult compare_with_onnx_runtime(const Model& model, const std::vector<std::string>& texts,
                                        const fs::path& dir) {
  export_onnx(model, dir);

  const std::vector<int32_t> ids32 = model.encoder.encode_batch(texts);
  const auto rows = static_cast<std::int64_t>(texts.size());
  const std::int64_t length = model.encoder.max_length();
  Tensor ids({rows, length}, DType::kInt32);
  std::copy(ids32.begin(), ids32.end(), ids.data<int32_t>());
  const Tensor output = model.network.predict(ids);

  nlohmann::json cases;
  cases["tolerance"] = 1e-5;
  cases["output"] = onnx_output_name(model.manifest.task);
  const float* p = output.data<float>();
  const int n = model.network.outputs();
  for (std::int64_t row = 0; row < rows; ++row) {
    const auto begin = ids32.begin() + row * length;
    cases["ids"].push_back(std::vector<int64_t>(begin, begin + length));
    if (n == 1 && model.manifest.task == Task::kClassification) {
      cases["probabilities"].push_back({1.0f - p[row], p[row]});
    } else {
      cases["probabilities"].push_back(std::vector<float>(p + row * n, p + (row + 1) * n));
    }
  }
  const fs::path cases_path = dir.parent_path() / (dir.filename().string() + "_cases.json");
  write_file_atomic(cases_path, cases.dump());
  return run_command("python3 " MAAS_SOURCE_DIR "/tests/io/onnx_runtime_check.py " + (dir / kOnnxModelFile).string() +
                     " " + cases_path.string());
}

}  // namespace maas::io
