#include "core/io/safetensors.h"

#include <cstring>
#include <tuple>

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace maas::io {
namespace {

Tensor filled(std::vector<std::int64_t> shape, float start) {
  Tensor tensor(shape, DType::kFloat32);
  float* data = tensor.data<float>();
  for (std::int64_t i = 0; i < tensor.numel(); ++i) data[i] = start + static_cast<float>(i);
  return tensor;
}

TEST(Safetensors, RoundTripKeepsShapesAndValues) {
  const Tensor kernel = filled({2, 3}, 0.5f);
  const Tensor bias = filled({3}, -1.0f);
  const std::string bytes = encode_safetensors({{"kernel", &kernel}, {"bias", &bias}}, {{"format", "pt"}});
  const auto tensors = decode_safetensors(bytes, "test");
  ASSERT_EQ(tensors.size(), 2u);
  EXPECT_EQ(tensors.at("kernel").shape(), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(tensors.at("kernel").data<float>()[5], 5.5f);
  EXPECT_EQ(tensors.at("bias").data<float>()[0], -1.0f);
}

TEST(Safetensors, LayoutMatchesSpecification) {
  const Tensor value = filled({1}, 2.0f);
  const std::string bytes = encode_safetensors({{"w", &value}});
  std::uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.data(), 8);
  EXPECT_EQ(header_size % 8, 0u);  // data starts 8-byte aligned
  EXPECT_EQ(bytes.size(), 8 + header_size + 4);
  const std::string header = bytes.substr(8, header_size);
  EXPECT_NE(header.find(R"("w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]})"), std::string::npos) << header;
  float stored = 0;
  std::memcpy(&stored, bytes.data() + 8 + header_size, 4);
  EXPECT_EQ(stored, 2.0f);
}

TEST(Safetensors, RejectsDamagedFiles) {
  const Tensor value = filled({4}, 0.0f);
  const std::string good = encode_safetensors({{"w", &value}});
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"shorter than header length", good.substr(0, 5)},
      {"header cut", good.substr(0, 20)},
      {"data cut", good.substr(0, good.size() - 4)},
  };
  for (const auto& [name, bytes] : cases) {
    SCOPED_TRACE(name);
    EXPECT_THROW(decode_safetensors(bytes, "w.safetensors"), IoError);
  }
  // Two tensors that share bytes, and data that no tensor covers: the header is written by hand.
  const auto with_header = [](const std::string& header, std::size_t data_bytes) {
    std::string padded = header;
    padded.append((8 - padded.size() % 8) % 8, ' ');
    const std::uint64_t size = padded.size();
    return std::string(reinterpret_cast<const char*>(&size), 8) + padded + std::string(data_bytes, '\0');
  };
  const std::vector<std::tuple<const char*, std::string, const char*>> layout_cases = {
      {"overlap",
       with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8),
       "tensor 'b' has byte range [4, 8] that overlaps tensor 'a' at [0, 8]"},
      {"gap",
       with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})", 12),
       "data bytes [4, 8] that no tensor covers (before tensor 'b')"},
      {"trailing bytes", with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 6),
       "data bytes [4, 6] after the last tensor"},
  };
  for (const auto& [name, bytes, message_part] : layout_cases) {
    SCOPED_TRACE(name);
    try {
      decode_safetensors(bytes, "w.safetensors");
      ADD_FAILURE() << "decoded";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find(message_part), std::string::npos) << e.what();
    }
  }
  std::string bad_dtype = good;
  bad_dtype.replace(bad_dtype.find("F32"), 3, "F64");
  try {
    decode_safetensors(bad_dtype, "w.safetensors");
    ADD_FAILURE() << "F64 accepted";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("F64"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace maas::io
