#include "core/tensor/tensor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include "core/common/error.h"

namespace maas {
namespace {

std::int64_t checked_numel(std::span<const std::int64_t> shape) {
  std::int64_t count = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const std::int64_t size = shape[i];
    if (size < 0) {
      throw InvalidArgument("invalid tensor shape " + shape_to_string({shape.begin(), shape.end()}) + ": dimension " +
                            std::to_string(i) + " is " + std::to_string(size) +
                            ", expected a size >= 0");
    }
    if (size != 0 && count > std::numeric_limits<std::int64_t>::max() / 8 / size) {
      throw InvalidArgument("invalid tensor shape " + shape_to_string({shape.begin(), shape.end()}) +
                            ": the element count overflows 64-bit byte sizes; use smaller dimensions");
    }
    count *= size;
  }
  return count;
}

// Rounds up to a whole number of alignment blocks, which std::aligned_alloc requires.
std::size_t round_up_to_alignment(std::size_t bytes) {
  return (bytes + Tensor::kAlignment - 1) / Tensor::kAlignment * Tensor::kAlignment;
}

}  // namespace

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return "float32";
    case DType::kInt32:
      return "int32";
  }
  return "unknown";
}

std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return sizeof(float);
    case DType::kInt32:
      return sizeof(std::int32_t);
  }
  return 0;
}

std::string shape_to_string(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) {
      text += ", ";
    }
    text += std::to_string(shape[i]);
  }
  text += "]";
  return text;
}

void Tensor::AlignedFree::operator()(std::byte* pointer) const { std::free(pointer); }

Tensor::Tensor() : shape_{0} {}

Tensor::Tensor(std::vector<std::int64_t> shape, DType dtype) : dtype_(dtype) {
  resize(std::move(shape), dtype);
}

Tensor::Tensor(const Tensor& other) : Tensor(other.shape_, other.dtype_) {
  if (numel_ > 0) {
    std::memcpy(storage_.get(), other.storage_.get(),
                static_cast<std::size_t>(numel_) * dtype_size(dtype_));
  }
}

Tensor& Tensor::operator=(const Tensor& other) {
  if (this == &other) {
    return *this;
  }
  resize(std::span<const std::int64_t>(other.shape_), other.dtype_);
  if (numel_ > 0) {
    std::memcpy(storage_.get(), other.storage_.get(),
                static_cast<std::size_t>(numel_) * dtype_size(dtype_));
  }
  return *this;
}

Tensor::Tensor(Tensor&& other) noexcept
    : shape_(std::move(other.shape_)),
      dtype_(other.dtype_),
      numel_(other.numel_),
      capacity_bytes_(other.capacity_bytes_),
      storage_(std::move(other.storage_)) {
  other.shape_ = {0};
  other.numel_ = 0;
  other.capacity_bytes_ = 0;
}

Tensor& Tensor::operator=(Tensor&& other) noexcept {
  if (this == &other) {
    return *this;
  }
  shape_ = std::move(other.shape_);
  dtype_ = other.dtype_;
  numel_ = other.numel_;
  capacity_bytes_ = other.capacity_bytes_;
  storage_ = std::move(other.storage_);
  other.shape_ = {0};
  other.numel_ = 0;
  other.capacity_bytes_ = 0;
  return *this;
}

std::int64_t Tensor::dim(int axis) const {
  const int count = rank();
  const int resolved = axis < 0 ? axis + count : axis;
  if (resolved < 0 || resolved >= count) {
    throw InvalidArgument("invalid axis " + std::to_string(axis) + " for a tensor of shape " +
                          shape_string() + ": expected an axis in [" + std::to_string(-count) +
                          ", " + std::to_string(count) + ")");
  }
  return shape_[static_cast<std::size_t>(resolved)];
}

void Tensor::resize(const std::vector<std::int64_t>& shape) { resize(std::span<const std::int64_t>(shape), dtype_); }

void Tensor::resize(std::initializer_list<std::int64_t> shape) {
  resize(std::span<const std::int64_t>(shape.begin(), shape.size()), dtype_);
}

void Tensor::resize(std::span<const std::int64_t> shape) { resize(shape, dtype_); }

void Tensor::resize(const std::vector<std::int64_t>& shape, DType dtype) {
  resize(std::span<const std::int64_t>(shape), dtype);
}

void Tensor::resize(std::initializer_list<std::int64_t> shape, DType dtype) {
  resize(std::span<const std::int64_t>(shape.begin(), shape.size()), dtype);
}

void Tensor::resize(std::span<const std::int64_t> shape, DType dtype) {
  const std::int64_t count = checked_numel(shape);
  const std::size_t bytes = static_cast<std::size_t>(count) * dtype_size(dtype);
  if (bytes > capacity_bytes_) {
    const std::size_t capacity = round_up_to_alignment(bytes);
    auto* memory = static_cast<std::byte*>(std::aligned_alloc(kAlignment, capacity));
    if (memory == nullptr) {
      throw std::bad_alloc();
    }
    std::memset(memory, 0, capacity);
    storage_.reset(memory);
    capacity_bytes_ = capacity;
  }
  // assign() keeps the vector's capacity, so a shape of a rank seen before allocates nothing.
  if (shape.data() != shape_.data()) {
    shape_.assign(shape.begin(), shape.end());
  }
  dtype_ = dtype;
  numel_ = count;
}

void Tensor::fill(float value) {
  float* values = data<float>();
  std::fill(values, values + numel_, value);
}

void Tensor::fill(std::int32_t value) {
  std::int32_t* values = data<std::int32_t>();
  std::fill(values, values + numel_, value);
}

void Tensor::check_dtype(DType requested) const {
  if (requested != dtype_) {
    throw InvalidArgument("invalid element type: requested " + std::string(dtype_name(requested)) +
                          " access to a " + std::string(dtype_name(dtype_)) + " tensor of shape " +
                          shape_string() + "; use data<" +
                          (dtype_ == DType::kFloat32 ? "float" : "int32_t") + ">()");
  }
}

}  // namespace maas
