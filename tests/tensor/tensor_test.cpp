#include "core/tensor/tensor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace maas {
namespace {

bool is_aligned(const void* pointer) {
  return reinterpret_cast<std::uintptr_t>(pointer) % Tensor::kAlignment == 0;
}

TEST(Tensor, StorageIsAlignedForEveryShape) {
  const std::vector<std::vector<std::int64_t>> shapes = {{1}, {3}, {7, 5}, {2, 3, 5}, {1000}};
  for (const auto& shape : shapes) {
    Tensor tensor(shape);
    EXPECT_TRUE(is_aligned(tensor.data<float>())) << shape_to_string(shape);
    EXPECT_EQ(tensor.capacity_bytes() % Tensor::kAlignment, 0u) << shape_to_string(shape);
  }
}

TEST(Tensor, NewStorageIsZeroFilled) {
  Tensor tensor({4, 3}, DType::kInt32);
  for (std::int64_t i = 0; i < tensor.numel(); ++i) {
    EXPECT_EQ(tensor.data<std::int32_t>()[i], 0);
  }
}

TEST(Tensor, ShapeQueriesMatchConstruction) {
  Tensor tensor({2, 3, 4});
  EXPECT_EQ(tensor.rank(), 3);
  EXPECT_EQ(tensor.numel(), 24);
  EXPECT_EQ(tensor.dim(0), 2);
  EXPECT_EQ(tensor.dim(2), 4);
  EXPECT_EQ(tensor.dim(-1), 4);
  EXPECT_EQ(tensor.dim(-3), 2);
  EXPECT_EQ(tensor.shape_string(), "[2, 3, 4]");
}

TEST(Tensor, DimRejectsOutOfRangeAxis) {
  Tensor tensor({2, 3});
  for (int axis : {2, 5, -3}) {
    EXPECT_THROW(tensor.dim(axis), InvalidArgument) << axis;
  }
}

TEST(Tensor, DefaultTensorIsEmpty) {
  Tensor tensor;
  EXPECT_EQ(tensor.numel(), 0);
  EXPECT_EQ(tensor.rank(), 1);
  EXPECT_EQ(tensor.dtype(), DType::kFloat32);
}

TEST(Tensor, RankZeroHasOneElement) {
  Tensor tensor(std::vector<std::int64_t>{});
  EXPECT_EQ(tensor.numel(), 1);
  EXPECT_EQ(tensor.shape_string(), "[]");
}

TEST(Tensor, DataRejectsWrongDtype) {
  Tensor floats({2});
  Tensor ints({2}, DType::kInt32);
  EXPECT_THROW(floats.data<std::int32_t>(), InvalidArgument);
  EXPECT_THROW(ints.data<float>(), InvalidArgument);
  EXPECT_NO_THROW(floats.data<float>());
  EXPECT_NO_THROW(ints.data<std::int32_t>());
}

TEST(Tensor, DtypeErrorNamesBothTypes) {
  Tensor ints({2, 2}, DType::kInt32);
  try {
    ints.data<float>();
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("float32"), std::string::npos) << message;
    EXPECT_NE(message.find("int32"), std::string::npos) << message;
    EXPECT_NE(message.find("[2, 2]"), std::string::npos) << message;
  }
}

TEST(Tensor, FillRejectsWrongDtype) {
  Tensor ints({2}, DType::kInt32);
  EXPECT_THROW(ints.fill(1.0f), InvalidArgument);
  ints.fill(std::int32_t{7});
  EXPECT_EQ(ints.data<std::int32_t>()[1], 7);
}

TEST(Tensor, ConstructorRejectsNegativeDimension) {
  EXPECT_THROW(Tensor({2, -1}), InvalidArgument);
}

TEST(Tensor, ConstructorRejectsOverflowingShape) {
  const std::int64_t huge = std::int64_t{1} << 40;
  EXPECT_THROW(Tensor({huge, huge}), InvalidArgument);
}

TEST(Tensor, ResizeReusesStorageWhenItFits) {
  Tensor tensor({32, 64});
  const float* original = tensor.data<float>();
  const std::size_t capacity = tensor.capacity_bytes();

  tensor.resize({16, 64});
  EXPECT_EQ(tensor.data<float>(), original);
  EXPECT_EQ(tensor.numel(), 16 * 64);

  tensor.resize({32, 64});
  EXPECT_EQ(tensor.data<float>(), original);
  EXPECT_EQ(tensor.capacity_bytes(), capacity);
}

TEST(Tensor, ResizeGrowsStorageWhenTooSmall) {
  Tensor tensor({4});
  tensor.resize({1024});
  EXPECT_EQ(tensor.numel(), 1024);
  EXPECT_GE(tensor.capacity_bytes(), 1024 * sizeof(float));
  EXPECT_TRUE(is_aligned(tensor.data<float>()));
}

TEST(Tensor, ResizeCanChangeDtype) {
  Tensor tensor({8});
  const void* original = tensor.data<float>();
  tensor.resize({8}, DType::kInt32);
  EXPECT_EQ(tensor.dtype(), DType::kInt32);
  EXPECT_EQ(static_cast<const void*>(tensor.data<std::int32_t>()), original);
}

TEST(Tensor, CopyIsDeep) {
  Tensor source({3});
  source.fill(2.5f);
  Tensor copy = source;
  copy.data<float>()[0] = -1.0f;
  EXPECT_EQ(source.data<float>()[0], 2.5f);
  EXPECT_EQ(copy.data<float>()[1], 2.5f);
  EXPECT_NE(copy.data<float>(), source.data<float>());
}

TEST(Tensor, MoveTransfersStorage) {
  Tensor source({3});
  const float* storage = source.data<float>();
  Tensor moved = std::move(source);
  EXPECT_EQ(moved.data<float>(), storage);
  EXPECT_EQ(moved.numel(), 3);
  EXPECT_EQ(source.numel(), 0);  // NOLINT(bugprone-use-after-move): moved-from state is specified.
}

TEST(ShapeToString, FormatsEachRank) {
  EXPECT_EQ(shape_to_string({}), "[]");
  EXPECT_EQ(shape_to_string({5}), "[5]");
  EXPECT_EQ(shape_to_string({32, 64, 8}), "[32, 64, 8]");
}

}  // namespace
}  // namespace maas
