#include "core/io/safetensors.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <tuple>

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

constexpr std::size_t kElementBytes = 4;  // F32 and I32

// One header entry: name, dtype code, shape, and the bytes it covers.
struct Entry {
  std::string_view name;
  std::string_view code;
  const std::vector<std::int64_t>* shape;
  const char* data;
  std::uint64_t bytes;
};

std::string encode_entries(const std::vector<Entry>& entries, const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  for (const Entry& entry : entries) {
    header[std::string(entry.name)] = {{"dtype", entry.code},
                                       {"shape", *entry.shape},
                                       {"data_offsets", {offset, offset + entry.bytes}}};
    offset += entry.bytes;
  }
  std::string header_text = header.dump();
  // Padding the header with spaces keeps the tensor data 8-byte aligned, as the format recommends.
  header_text.append((8 - header_text.size() % 8) % 8, ' ');

  std::string out;
  out.reserve(8 + header_text.size() + offset);
  const std::uint64_t header_size = header_text.size();
  out.append(reinterpret_cast<const char*>(&header_size), 8);
  out += header_text;
  for (const Entry& entry : entries) out.append(entry.data, entry.bytes);
  return out;
}

// Number of elements of `shape`, or nullopt for a negative dimension or an overflow.
std::optional<std::uint64_t> element_count(const std::vector<std::int64_t>& shape) {
  std::uint64_t count = 1;
  for (const std::int64_t dim : shape) {
    if (dim < 0) return std::nullopt;
    if (dim != 0 && count > std::numeric_limits<std::uint64_t>::max() / static_cast<std::uint64_t>(dim)) {
      return std::nullopt;
    }
    count *= static_cast<std::uint64_t>(dim);
  }
  return count;
}

// The data bytes a tensor covers, [begin, end).
struct ByteRange {
  std::uint64_t begin;
  std::uint64_t end;
  std::string name;
};

// Checks that the tensors cover the data exactly once, as the safetensors format requires: an
// overlap would let two tensors share bytes (an edited file), and a gap would hide bytes that no
// tensor reads.
void check_ranges_tile_data(std::vector<ByteRange> ranges, std::uint64_t data_size, std::string_view source) {
  std::sort(ranges.begin(), ranges.end(),
            [](const ByteRange& a, const ByteRange& b) { return std::tie(a.begin, a.end) < std::tie(b.begin, b.end); });
  std::uint64_t covered = 0;
  const ByteRange* previous = nullptr;
  for (const ByteRange& range : ranges) {
    if (range.begin < covered) {
      throw IoError(fmt::format("'{}' tensor '{}' has byte range [{}, {}] that overlaps tensor '{}' at [{}, {}]; "
                                "every tensor needs its own bytes, so the file is damaged",
                                source, range.name, range.begin, range.end, previous->name, previous->begin,
                                previous->end));
    }
    if (range.begin > covered) {
      throw IoError(fmt::format("'{}' has data bytes [{}, {}] that no tensor covers (before tensor '{}'); the file "
                                "is damaged",
                                source, covered, range.begin, range.name));
    }
    covered = range.end;
    if (range.end > range.begin) previous = &range;
  }
  if (covered != data_size) {
    throw IoError(fmt::format("'{}' has data bytes [{}, {}] after the last tensor that no tensor covers; the file is "
                              "damaged",
                              source, covered, data_size));
  }
}

SafetensorsContents decode_entries(std::string_view bytes, std::string_view source, bool allow_int8) {
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

  SafetensorsContents contents;
  std::vector<ByteRange> ranges;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") continue;
    try {
      const std::string code = entry.at("dtype").get<std::string>();
      std::size_t element_bytes = kElementBytes;
      if (code == "I8" && allow_int8) {
        element_bytes = 1;
      } else if (code != "F32" && code != "I32") {
        throw IoError(fmt::format("'{}' tensor '{}' has dtype '{}': maas reads only {}", source, name, code,
                                  allow_int8 ? "F32, I32 and I8" : "F32 and I32"));
      }
      const auto shape = entry.at("shape").get<std::vector<std::int64_t>>();
      const auto offsets = entry.at("data_offsets").get<std::vector<std::uint64_t>>();
      if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > data.size()) {
        throw IoError(fmt::format("'{}' tensor '{}' has byte range {} outside the {} data bytes (truncated file?)",
                                  source, name, entry.at("data_offsets").dump(), data.size()));
      }
      const std::optional<std::uint64_t> count = element_count(shape);
      if (!count || *count > data.size()) {
        throw IoError(fmt::format("'{}' tensor '{}' has shape {} larger than the {} data bytes", source, name,
                                  entry.at("shape").dump(), data.size()));
      }
      const std::uint64_t expected = *count * element_bytes;
      if (offsets[1] - offsets[0] != expected) {
        throw IoError(fmt::format("'{}' tensor '{}' holds {} bytes but shape {} needs {}",
                                  source, name, offsets[1] - offsets[0], entry.at("shape").dump(), expected));
      }
      ranges.push_back({offsets[0], offsets[1], name});
      if (code == "I8") {
        Int8Tensor tensor{shape, std::vector<std::int8_t>(*count)};
        std::memcpy(tensor.values.data(), data.data() + offsets[0], expected);
        contents.int8_tensors.emplace(name, std::move(tensor));
      } else {
        Tensor tensor(shape, code == "F32" ? DType::kFloat32 : DType::kInt32);
        std::memcpy(tensor.raw_data(), data.data() + offsets[0], expected);
        contents.tensors.emplace(name, std::move(tensor));
      }
    } catch (const nlohmann::json::exception& e) {
      throw IoError(fmt::format("'{}' tensor '{}' has an invalid header entry {}: {}", source, name,
                                entry.dump(), e.what()));
    }
  }
  check_ranges_tile_data(std::move(ranges), data.size(), source);
  return contents;
}

}  // namespace

std::string encode_safetensors(const std::vector<NamedTensor>& tensors,
                               const std::map<std::string, std::string>& metadata) {
  return encode_safetensors(tensors, {}, metadata);
}

std::string encode_safetensors(const std::vector<NamedTensor>& tensors, const std::vector<NamedInt8Tensor>& int8_tensors,
                               const std::map<std::string, std::string>& metadata) {
  std::vector<Entry> entries;
  for (const NamedTensor& named : tensors) {
    entries.push_back({named.name, dtype_code(named.tensor->dtype()), &named.tensor->shape(),
                       static_cast<const char*>(named.tensor->raw_data()),
                       static_cast<std::uint64_t>(named.tensor->numel()) * kElementBytes});
  }
  for (const NamedInt8Tensor& named : int8_tensors) {
    entries.push_back({named.name, "I8", &named.tensor->shape,
                       reinterpret_cast<const char*>(named.tensor->values.data()), named.tensor->values.size()});
  }
  return encode_entries(entries, metadata);
}

std::map<std::string, Tensor> decode_safetensors(std::string_view bytes, std::string_view source) {
  return decode_entries(bytes, source, false).tensors;
}

SafetensorsContents decode_safetensors_with_int8(std::string_view bytes, std::string_view source) {
  return decode_entries(bytes, source, true);
}

}  // namespace maas::io
