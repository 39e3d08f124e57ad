#include "core/nn/conv1d.h"

#include "core/common/error.h"
#include "core/nn/initializers.h"
#include "kernels/conv1d.h"

namespace maas::nn {

// Forward, with K = kernel_size and x zero-padded by pad_left before position 0:
//   z[b, t, f] = bias[f] + sum_{k, c} W[k, c, f] x[b, t + k - pad_left, c],  y = act(z).
// Backward, given dy = dL/dy [B, T_out, F]:
//   dz = act'(z) * dy, computed from y (see Dense);
//   dW[k, c, f] = sum_{b, t} dz[b, t, f] x[b, t + k - pad_left, c];
//   dbias[f] = sum_{b, t} dz[b, t, f];
//   dx[b, s, c] = sum_{k, f} dz[b, s - k + pad_left, f] W[k, c, f] over valid output positions.

namespace {

kernels::Conv1dShape make_shape(const Tensor& x, std::int64_t filters, std::int64_t kernel_size,
                                ConvPadding padding, Activation activation) {
  kernels::Conv1dShape shape;
  shape.batch = x.dim(0);
  shape.seq = x.dim(1);
  shape.in = x.dim(2);
  shape.filters = filters;
  shape.kernel = kernel_size;
  if (padding == ConvPadding::kSame) {
    shape.pad_left = (kernel_size - 1) / 2;
    shape.pad_right = kernel_size - 1 - shape.pad_left;
  }
  shape.activation = activation;
  return shape;
}

}  // namespace

ConvPadding parse_conv_padding(std::string_view name, std::string_view json_path) {
  if (name == "same") return ConvPadding::kSame;
  if (name == "valid") return ConvPadding::kValid;
  throw InvalidArgument(std::string(json_path) + ": unknown padding \"" + std::string(name) +
                        "\"; expected same or valid");
}

std::string_view conv_padding_name(ConvPadding padding) {
  return padding == ConvPadding::kSame ? "same" : "valid";
}

Conv1D::Conv1D(std::int64_t in, std::int64_t filters, std::int64_t kernel_size, Activation activation,
               ConvPadding padding)
    : in_(in), filters_(filters), kernel_size_(kernel_size), activation_(activation), padding_(padding) {
  if (in < 1 || filters < 1 || kernel_size < 1) {
    throw InvalidArgument("conv1d: invalid sizes in=" + std::to_string(in) + " filters=" +
                          std::to_string(filters) + " kernel_size=" + std::to_string(kernel_size) +
                          ": expected every size >= 1");
  }
  if (activation == Activation::kSoftmax) {
    throw InvalidArgument("conv1d: invalid activation softmax: expected linear, relu, tanh or sigmoid");
  }
  set_path("conv1d");
}

nlohmann::json Conv1D::to_json() const {
  return {{"type", "conv1d"},
          {"filters", filters_},
          {"kernel_size", kernel_size_},
          {"activation", std::string(activation_name(activation_))},
          {"padding", std::string(conv_padding_name(padding_))}};
}

std::vector<ParameterSpec> Conv1D::parameter_specs() const {
  return {{"kernel", {kernel_size_, in_, filters_}}, {"bias", {filters_}}};
}

void Conv1D::initialize(std::span<Parameter> params, Rng& rng) const {
  fill_uniform(params[0].value, glorot_uniform_limit(kernel_size_ * in_, kernel_size_ * filters_), rng);
  params[1].value.fill(0.0f);
}

void Conv1D::check_sequence(const Tensor& x) const {
  check_input(x, DType::kFloat32, {-1, -1, in_}, "input");
  if (padding_ == ConvPadding::kValid && x.dim(1) < kernel_size_) {
    throw InvalidArgument(path() + ": invalid input of " + std::to_string(x.dim(1)) +
                          " positions: padding valid needs at least kernel_size = " +
                          std::to_string(kernel_size_) +
                          "; raise tokenizer.max_length or use padding: same");
  }
}

const Tensor& Conv1D::forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids, bool training,
                              Rng& rng) {
  check_sequence(x);
  const kernels::Conv1dShape shape = make_shape(x, filters_, kernel_size_, padding_, activation_);
  input_ = x;
  output_.resize({shape.batch, kernels::conv1d_output_length(shape), filters_});
  kernels::conv1d_forward(shape, x.data<float>(), params[0].value.data<float>(), params[1].value.data<float>(),
                          output_.data<float>(), true);
  forward_done_ = true;
  return output_;
}

const Tensor* Conv1D::backward(std::span<Parameter> params, const Tensor& dy) {
  check_forward_done(forward_done_);
  check_input(dy, DType::kFloat32, {output_.dim(0), output_.dim(1), filters_}, "output gradient");
  const kernels::Conv1dShape shape = make_shape(input_, filters_, kernel_size_, padding_, Activation::kLinear);
  const std::int64_t rows = output_.dim(0) * output_.dim(1);

  pre_activation_grad_.resize(output_.shape());
  kernels::activation_backward(activation_, output_.data<float>(), dy.data<float>(),
                               pre_activation_grad_.data<float>(), rows, filters_);
  kernels::conv1d_backward_weights(shape, input_.data<float>(), pre_activation_grad_.data<float>(),
                                   params[0].grad.data<float>(), params[1].grad.data<float>());
  input_grad_.resize(input_.shape());
  kernels::conv1d_backward_data(shape, pre_activation_grad_.data<float>(), params[0].value.data<float>(),
                                input_grad_.data<float>());
  return &input_grad_;
}

void Conv1D::infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids, Tensor& y) const {
  check_sequence(x);
  const kernels::Conv1dShape shape = make_shape(x, filters_, kernel_size_, padding_, activation_);
  y.resize({shape.batch, kernels::conv1d_output_length(shape), filters_}, DType::kFloat32);
  kernels::conv1d_forward(shape, x.data<float>(), params[0].value.data<float>(), params[1].value.data<float>(),
                          y.data<float>(), false);
}

}  // namespace maas::nn
