#pragma once
// The safetensors layout (https://github.com/huggingface/safetensors): an 8-byte little-endian header
// length N, N bytes of JSON header naming each tensor's dtype, shape and byte range, then the raw
// little-endian tensor data. Python tools read these files without maas.

#include <cstdint>
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
// file, a malformed header, an unsupported dtype (anything but F32 and I32) or a byte range that
// disagrees with the shape.
std::map<std::string, Tensor> decode_safetensors(std::string_view bytes, std::string_view source);

// A row-major int8 tensor (safetensors dtype "I8"), which maas::Tensor has no dtype for.
struct Int8Tensor {
  std::vector<std::int64_t> shape;
  std::vector<std::int8_t> values;
};

struct NamedInt8Tensor {
  std::string name;
  const Int8Tensor* tensor = nullptr;
};

// Every tensor of a safetensors file, by dtype.
struct SafetensorsContents {
  std::map<std::string, Tensor> tensors;             // F32 and I32
  std::map<std::string, Int8Tensor> int8_tensors;    // I8
};

// Encodes the F32/I32 tensors, then the I8 tensors, in the order given.
std::string encode_safetensors(const std::vector<NamedTensor>& tensors, const std::vector<NamedInt8Tensor>& int8_tensors,
                               const std::map<std::string, std::string>& metadata);

// Decodes a safetensors file that may also hold I8 tensors, with the checks of decode_safetensors.
SafetensorsContents decode_safetensors_with_int8(std::string_view bytes, std::string_view source);

}  // namespace maas::io
