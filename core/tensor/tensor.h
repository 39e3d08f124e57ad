#pragma once
// The maas tensor: a dense row-major array of float32 or int32 values with owning,
// 64-byte aligned storage.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace maas {

enum class DType { kFloat32, kInt32 };

// Returns "float32" or "int32".
std::string_view dtype_name(DType dtype);

// Returns the size of one element in bytes.
std::size_t dtype_size(DType dtype);

// Formats a shape for messages, for example "[32, 64]" or "[]" for rank 0.
std::string shape_to_string(const std::vector<std::int64_t>& shape);

// Maps a C++ element type to its DType. Only float and int32_t are defined.
template <typename T>
struct DTypeOf;
template <>
struct DTypeOf<float> {
  static constexpr DType value = DType::kFloat32;
};
template <>
struct DTypeOf<std::int32_t> {
  static constexpr DType value = DType::kInt32;
};

// A dense row-major tensor that owns its storage.
//
// Storage starts on a 64-byte boundary so that SIMD loads and oneDNN see aligned data.
// Copying copies the elements, moving transfers the storage. A default-constructed
// tensor has shape [0] and no storage. Newly allocated storage is zero-filled.
// A tensor is not synchronised: concurrent reads are safe, a write needs exclusive access.
class Tensor {
 public:
  static constexpr std::size_t kAlignment = 64;

  Tensor();
  // Creates a zero-filled tensor. Throws InvalidArgument on a negative dimension or an
  // element count that overflows.
  explicit Tensor(std::vector<std::int64_t> shape, DType dtype = DType::kFloat32);

  Tensor(const Tensor& other);
  Tensor& operator=(const Tensor& other);
  Tensor(Tensor&& other) noexcept;
  Tensor& operator=(Tensor&& other) noexcept;
  ~Tensor() = default;

  const std::vector<std::int64_t>& shape() const { return shape_; }
  DType dtype() const { return dtype_; }
  std::int64_t numel() const { return numel_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  // Returns the size of dimension `axis`. A negative axis counts from the end.
  // Throws InvalidArgument when the axis is out of range.
  std::int64_t dim(int axis) const;
  // Bytes of storage held, which can exceed numel() * dtype_size() after a shrinking resize.
  std::size_t capacity_bytes() const { return capacity_bytes_; }
  std::string shape_string() const { return shape_to_string(shape_); }

  // Typed element access. Throws InvalidArgument when T does not match dtype().
  template <typename T>
  T* data() {
    check_dtype(DTypeOf<T>::value);
    return reinterpret_cast<T*>(storage_.get());
  }
  template <typename T>
  const T* data() const {
    check_dtype(DTypeOf<T>::value);
    return reinterpret_cast<const T*>(storage_.get());
  }

  // Untyped access to the element bytes, for serialisation. The bytes are
  // numel() * dtype_size(dtype()) long.
  void* raw_data() { return storage_.get(); }
  const void* raw_data() const { return storage_.get(); }

  // Changes the shape and keeps the dtype. The storage is reused when it is large enough,
  // so a loop that resizes to the same shapes allocates new storage only on its first
  // pass. Element values are unspecified after a resize that reuses storage.
  // The braced-list and span forms also reuse the shape vector, so once a tensor has
  // held a shape of the same rank and size, they allocate nothing.
  void resize(const std::vector<std::int64_t>& shape);
  void resize(std::initializer_list<std::int64_t> shape);
  void resize(std::span<const std::int64_t> shape);
  // Changes the shape and the dtype, with the same storage reuse as resize(shape).
  void resize(const std::vector<std::int64_t>& shape, DType dtype);
  void resize(std::initializer_list<std::int64_t> shape, DType dtype);
  void resize(std::span<const std::int64_t> shape, DType dtype);

  // Sets every element. fill(float) needs a float32 tensor and fill(int32_t) an int32 one.
  void fill(float value);
  void fill(std::int32_t value);

 private:
  struct AlignedFree {
    void operator()(std::byte* pointer) const;
  };

  void check_dtype(DType requested) const;

  std::vector<std::int64_t> shape_;
  DType dtype_ = DType::kFloat32;
  std::int64_t numel_ = 0;
  std::size_t capacity_bytes_ = 0;
  std::unique_ptr<std::byte[], AlignedFree> storage_;
};

}  // namespace maas
