#include "core/io/safetensors.h"

#include <bit>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::io {

static_assert(std::endian::native == std::endian::little,
              "safetensors stores little-endian data; a big-endian host needs byte swapping here");

namespace {

std::string_view dtype_code(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return "F32";
    case DType::kInt32: return "I32";
  }
  return "?";
}

constexpr std::size_t kElementBytes = 4;  // F32 and I32, the only dtypes maas stores

}  // namespace

std::string encode_safetensors(const std::vector<NamedTensor>& tensors,
                               const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  for (const NamedTensor& entry : tensors) {
    const std::uint64_t bytes = static_cast<std::uint64_t>(entry.tensor->numel()) * kElementBytes;
    header[entry.name] = {{"dtype", dtype_code(entry.tensor->dtype())},
                          {"shape", entry.tensor->shape()},
                          {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string header_text = header.dump();
  // Padding the header with spaces keeps the tensor data 8-byte aligned, as the format recommends.
  header_text.append((8 - header_text.size() % 8) % 8, ' ');

  std::string out;
  out.reserve(8 + header_text.size() + offset);
  const std::uint64_t header_size = header_text.size();
  out.append(reinterpret_cast<const char*>(&header_size), 8);
  out += header_text;
  for (const NamedTensor& entry : tensors) {
    const auto* data = static_cast<const char*>(entry.tensor->raw_data());
    out.append(data, static_cast<std::size_t>(entry.tensor->numel()) * kElementBytes);
  }
  return out;
}

std::map<std::string, Tensor> decode_safetensors(std::string_view bytes, std::string_view source) {
  if (bytes.size() < 8) {
    throw IoError(fmt::format("'{}' is truncated: {} bytes, shorter than the 8-byte safetensors header length",
                              source, bytes.size()));
  }
  std::uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.data(), 8);
  if (header_size > bytes.size() - 8) {
    throw IoError(fmt::format("'{}' is truncated: its header claims {} bytes but only {} follow",
                              source, header_size, bytes.size() - 8));
  }
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes.substr(8, header_size));
  } catch (const nlohmann::json::exception& e) {
    throw IoError(fmt::format("'{}' has an invalid safetensors header: {}", source, e.what()));
  }
  if (!header.is_object()) {
    throw IoError(fmt::format("'{}' has an invalid safetensors header: expected a JSON object", source));
  }
  const std::string_view data = bytes.substr(8 + header_size);

  std::map<std::string, Tensor> tensors;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") continue;
    try {
      const std::string code = entry.at("dtype").get<std::string>();
      DType dtype;
      if (code == "F32") {
        dtype = DType::kFloat32;
      } else if (code == "I32") {
        dtype = DType::kInt32;
      } else {
        throw IoError(fmt::format("'{}' tensor '{}' has dtype '{}': maas reads only F32 and I32",
                                  source, name, code));
      }
      const auto shape = entry.at("shape").get<std::vector<std::int64_t>>();
      const auto offsets = entry.at("data_offsets").get<std::vector<std::uint64_t>>();
      if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > data.size()) {
        throw IoError(fmt::format("'{}' tensor '{}' has byte range {} outside the {} data bytes (truncated file?)",
                                  source, name, entry.at("data_offsets").dump(), data.size()));
      }
      Tensor tensor(shape, dtype);
      const std::uint64_t expected = static_cast<std::uint64_t>(tensor.numel()) * kElementBytes;
      if (offsets[1] - offsets[0] != expected) {
        throw IoError(fmt::format("'{}' tensor '{}' holds {} bytes but shape {} needs {}",
                                  source, name, offsets[1] - offsets[0], entry.at("shape").dump(), expected));
      }
      std::memcpy(tensor.raw_data(), data.data() + offsets[0], expected);
      tensors.emplace(name, std::move(tensor));
    } catch (const nlohmann::json::exception& e) {
      throw IoError(fmt::format("'{}' tensor '{}' has an invalid header entry {}: {}", source, name,
                                entry.dump(), e.what()));
    }
  }
  return tensors;
}

}  // namespace maas::io
