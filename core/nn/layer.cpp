#include "core/nn/layer.h"

#include "core/common/error.h"

namespace maas::nn {
namespace {

std::string expected_shape_string(std::span<const std::int64_t> expected) {
  std::string text = "[";
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (i > 0) {
      text += ", ";
    }
    text += expected[i] < 0 ? std::string("any") : std::to_string(expected[i]);
  }
  return text + "]";
}

}  // namespace

void Layer::check_input(const Tensor& tensor, DType dtype, std::span<const std::int64_t> expected,
                        std::string_view role) const {
  bool matches = tensor.dtype() == dtype && tensor.rank() == static_cast<int>(expected.size());
  for (std::size_t i = 0; matches && i < expected.size(); ++i) {
    const std::int64_t size = tensor.shape()[i];
    matches = expected[i] < 0 ? size >= 1 : size == expected[i];
  }
  if (!matches) {
    throw InvalidArgument(path_ + ": invalid " + std::string(role) + ": expected " +
                          std::string(dtype_name(dtype)) + " shape " + expected_shape_string(expected) +
                          " (any = a size >= 1), got " + std::string(dtype_name(tensor.dtype())) +
                          " shape " + tensor.shape_string());
  }
}

void Layer::check_forward_done(bool done) const {
  if (!done) {
    throw InvalidArgument(path_ + ": backward was called before forward; run forward on the batch first");
  }
}

}  // namespace maas::nn
