#pragma once
// The safetensors layout (https://github.com/huggingface/safetensors): an 8-byte little-endian header
// length N, N bytes of JSON header naming each tensor's dtype, shape and byte range, then the raw
// little-endian tensor data. Python tools read these files without maas.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tensor/tensor.h"

namespace maas::io {

struct NamedTensor {
  std::string name;
  const Tensor* tensor = nullptr;
};

// Encodes tensors (float32 or int32) in the order given; `metadata` is stored as "__metadata__"
// and must map strings to strings, as the format requires.
std::string encode_safetensors(const std::vector<NamedTensor>& tensors,
                               const std::map<std::string, std::string>& metadata = {});

// Decodes a safetensors file. `source` names the file in messages. Throws IoError on a truncated
// file, a malformed header, an unsupported dtype or a byte range that disagrees with the shape.
std::map<std::string, Tensor> decode_safetensors(std::string_view bytes, std::string_view source);

}  // namespace maas::io
