#include "kernels/rnn.h"

#include <algorithm>
#include <array>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "kernels/dnnl_runtime.h"
#include "kernels/primitive_cache.h"
#include "kernels/runtime.h"

namespace maas::kernels {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;

enum class Pass { kForwardTraining, kForwardInference, kBackward };

// batch, seq, in, units, cell, bidirectional, pass, threads.
using CacheKey = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t, int, bool, int, int>;

PrimitiveCache<CacheKey>& cache() {
  static PrimitiveCache<CacheKey> instance;
  return instance;
}

// The memory descriptors of one shape, in oneDNN's logical dims: layers L = 1, directions D.
struct Descs {
  memory::desc src, state, weights_layer, weights_iter, weights_layer_t, weights_iter_t, bias, dst;
};

Descs make_descs(const RnnShape& s) {
  const std::int64_t d = s.bidirectional ? 2 : 1;
  const std::int64_t g = rnn_gates(s.cell);
  Descs descs;
  descs.src = f32_desc({s.seq, s.batch, s.in}, Tag::ntc);
  descs.state = f32_desc({1, d, s.batch, s.units}, Tag::ldnc);
  descs.weights_layer = f32_desc({1, d, s.in, g, s.units}, Tag::ldigo);
  descs.weights_iter = f32_desc({1, d, s.units, g, s.units}, Tag::ldigo);
  descs.weights_layer_t = f32_desc({1, d, s.in, g, s.units}, Tag::ldgoi);
  descs.weights_iter_t = f32_desc({1, d, s.units, g, s.units}, Tag::ldgoi);
  descs.bias = f32_desc({1, d, rnn_bias_gates(s.cell), s.units}, Tag::ldgo);
  descs.dst = f32_desc({s.seq, s.batch, d * s.units}, Tag::ntc);
  return descs;
}

dnnl::rnn_direction direction(const RnnShape& s) {
  return s.bidirectional ? dnnl::rnn_direction::bidirectional_concat : dnnl::rnn_direction::unidirectional_left2right;
}

dnnl::lstm_forward::primitive_desc lstm_forward_pd(const RnnShape& s, bool training) {
  const Descs d = make_descs(s);
  const auto kind = training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  dnnl::lstm_forward::desc desc(kind, direction(s), d.src, d.state, d.state, d.weights_layer, d.weights_iter, d.bias,
                                d.dst, d.state, d.state);
  return dnnl::lstm_forward::primitive_desc(desc, user_scratchpad_attr(), cpu_engine());
}

dnnl::lbr_gru_forward::primitive_desc gru_forward_pd(const RnnShape& s, bool training) {
  const Descs d = make_descs(s);
  const auto kind = training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  dnnl::lbr_gru_forward::desc desc(kind, direction(s), d.src, d.state, d.weights_layer, d.weights_iter, d.bias, d.dst,
                                   d.state);
  return dnnl::lbr_gru_forward::primitive_desc(desc, user_scratchpad_attr(), cpu_engine());
}

std::shared_ptr<const PrimitiveEntry> create_forward(const RnnShape& s, bool training) {
  const Descs d = make_descs(s);
  const bool lstm = s.cell == RnnCell::kLstm;
  auto entry = std::make_shared<PrimitiveEntry>();
  memory::desc workspace;
  if (lstm) {
    const auto pd = lstm_forward_pd(s, training);
    entry->primitive = dnnl::lstm_forward(pd);
    entry->scratchpad = pd.scratchpad_desc();
    workspace = pd.workspace_desc();
  } else {
    const auto pd = gru_forward_pd(s, training);
    entry->primitive = dnnl::lbr_gru_forward(pd);
    entry->scratchpad = pd.scratchpad_desc();
    workspace = pd.workspace_desc();
  }
  entry->arguments = {{DNNL_ARG_SRC_LAYER, d.src},         {DNNL_ARG_SRC_ITER, d.state},
                      {DNNL_ARG_WEIGHTS_LAYER, d.weights_layer}, {DNNL_ARG_WEIGHTS_ITER, d.weights_iter},
                      {DNNL_ARG_BIAS, d.bias},              {DNNL_ARG_DST_LAYER, d.dst},
                      {DNNL_ARG_DST_ITER, d.state}};
  if (lstm) {
    entry->arguments.push_back({DNNL_ARG_SRC_ITER_C, d.state});
    entry->arguments.push_back({DNNL_ARG_DST_ITER_C, d.state});
  }
  if (training) {
    entry->arguments.push_back({DNNL_ARG_WORKSPACE, workspace});
  }
  return entry;
}

std::shared_ptr<const PrimitiveEntry> create_backward(const RnnShape& s) {
  const Descs d = make_descs(s);
  auto entry = std::make_shared<PrimitiveEntry>();
  memory::desc workspace;
  if (s.cell == RnnCell::kLstm) {
    const auto hint = lstm_forward_pd(s, true);
    workspace = hint.workspace_desc();
    dnnl::lstm_backward::desc desc(dnnl::prop_kind::backward, direction(s), d.src, d.state, d.state,
                                   d.weights_layer_t, d.weights_iter_t, d.bias, d.dst, d.state, d.state, d.src,
                                   d.state, d.state, d.weights_layer, d.weights_iter, d.bias, d.dst, d.state,
                                   d.state);
    const dnnl::lstm_backward::primitive_desc pd(desc, user_scratchpad_attr(), cpu_engine(), hint);
    entry->primitive = dnnl::lstm_backward(pd);
    entry->scratchpad = pd.scratchpad_desc();
  } else {
    const auto hint = gru_forward_pd(s, true);
    workspace = hint.workspace_desc();
    dnnl::lbr_gru_backward::desc desc(dnnl::prop_kind::backward, direction(s), d.src, d.state, d.weights_layer_t,
                                      d.weights_iter_t, d.bias, d.dst, d.state, d.src, d.state, d.weights_layer,
                                      d.weights_iter, d.bias, d.dst, d.state);
    const dnnl::lbr_gru_backward::primitive_desc pd(desc, user_scratchpad_attr(), cpu_engine(), hint);
    entry->primitive = dnnl::lbr_gru_backward(pd);
    entry->scratchpad = pd.scratchpad_desc();
  }
  entry->arguments = {{DNNL_ARG_SRC_LAYER, d.src},
                      {DNNL_ARG_SRC_ITER, d.state},
                      {DNNL_ARG_WEIGHTS_LAYER, d.weights_layer_t},
                      {DNNL_ARG_WEIGHTS_ITER, d.weights_iter_t},
                      {DNNL_ARG_BIAS, d.bias},
                      {DNNL_ARG_DST_LAYER, d.dst},
                      {DNNL_ARG_DST_ITER, d.state},
                      {DNNL_ARG_WORKSPACE, workspace},
                      {DNNL_ARG_DIFF_DST_LAYER, d.dst},
                      {DNNL_ARG_DIFF_DST_ITER, d.state},
                      {DNNL_ARG_DIFF_SRC_LAYER, d.src},
                      {DNNL_ARG_DIFF_SRC_ITER, d.state},
                      {DNNL_ARG_DIFF_WEIGHTS_LAYER, d.weights_layer},
                      {DNNL_ARG_DIFF_WEIGHTS_ITER, d.weights_iter},
                      {DNNL_ARG_DIFF_BIAS, d.bias}};
  if (s.cell == RnnCell::kLstm) {
    for (const int kind : {DNNL_ARG_SRC_ITER_C, DNNL_ARG_DST_ITER_C, DNNL_ARG_DIFF_DST_ITER_C, DNNL_ARG_DIFF_SRC_ITER_C}) {
      entry->arguments.push_back({kind, d.state});
    }
  }
  return entry;
}

void check_shape(const RnnShape& s) {
  if (s.batch < 1 || s.seq < 1 || s.in < 1 || s.units < 1) {
    throw std::invalid_argument("rnn kernel: invalid shape batch=" + std::to_string(s.batch) +
                                " seq=" + std::to_string(s.seq) + " in=" + std::to_string(s.in) +
                                " units=" + std::to_string(s.units) + ", expected every size >= 1");
  }
}

std::shared_ptr<const PrimitiveEntry> find_or_create(const RnnShape& s, Pass pass) {
  check_shape(s);
  const long long work = static_cast<long long>(s.batch) * s.seq * (s.in + s.units) * rnn_gates(s.cell) * s.units *
                         (s.bidirectional ? 2 : 1);
  const int threads = apply_thread_count_for(work);
  const CacheKey key{s.batch, s.seq, s.in, s.units, static_cast<int>(s.cell), s.bidirectional, static_cast<int>(pass),
                     threads};
  return cache().find_or_create(key, [&] {
    return pass == Pass::kBackward ? create_backward(s) : create_forward(s, pass == Pass::kForwardTraining);
  });
}

}  // namespace

std::int64_t rnn_gates(RnnCell cell) { return cell == RnnCell::kLstm ? 4 : 3; }

std::int64_t rnn_bias_gates(RnnCell cell) { return 4; }

std::size_t rnn_workspace_bytes(const RnnShape& shape) {
  const auto entry = find_or_create(shape, Pass::kForwardTraining);
  return entry->arguments.back().second.get_size();
}

void rnn_forward(const RnnShape& shape, const RnnForwardArgs& a, bool training) {
  const auto entry = find_or_create(shape, training ? Pass::kForwardTraining : Pass::kForwardInference);
  // A fixed array, so that a warm training step allocates nothing here.
  std::array<const void*, 10> data = {a.src, a.zero_state, a.weights_layer, a.weights_iter, a.bias, a.dst_layer,
                                      a.dst_iter};
  std::size_t count = 7;
  if (shape.cell == RnnCell::kLstm) {
    data[count++] = a.zero_state;
    data[count++] = a.dst_iter_c;
  }
  if (training) {
    data[count++] = a.workspace;
  }
  execute_primitive(entry, std::span<const void* const>(data.data(), count), "could not execute an RNN forward primitive");
}

void rnn_backward(const RnnShape& shape, const RnnBackwardArgs& a) {
  const auto entry = find_or_create(shape, Pass::kBackward);
  // oneDNN accumulates into the weight gradients, so they start from zero.
  const std::int64_t d = shape.bidirectional ? 2 : 1;
  const std::int64_t g = rnn_gates(shape.cell);
  std::fill(a.diff_weights_layer, a.diff_weights_layer + d * shape.in * g * shape.units, 0.0f);
  std::fill(a.diff_weights_iter, a.diff_weights_iter + d * shape.units * g * shape.units, 0.0f);
  std::fill(a.diff_bias, a.diff_bias + d * rnn_bias_gates(shape.cell) * shape.units, 0.0f);
  std::array<const void*, 19> data = {a.src,           a.zero_state,    a.weights_layer_t,    a.weights_iter_t,
                                      a.bias,          a.dst_layer,     a.dst_iter,           a.workspace,
                                      a.diff_dst_layer, a.diff_dst_iter, a.diff_src,           a.diff_src_iter,
                                      a.diff_weights_layer, a.diff_weights_iter, a.diff_bias};
  std::size_t count = 15;
  if (shape.cell == RnnCell::kLstm) {
    data[count++] = a.zero_state;
    data[count++] = a.dst_iter_c;
    data[count++] = a.diff_dst_iter_c;
    data[count++] = a.diff_src_iter_c;
  }
  execute_primitive(entry, std::span<const void* const>(data.data(), count), "could not execute an RNN backward primitive");
}

void rnn_transpose_weights(const float* src, std::int64_t directions, std::int64_t rows, std::int64_t cols,
                           float* dst) {
  for (std::int64_t d = 0; d < directions; ++d) {
    const float* from = src + d * rows * cols;
    float* to = dst + d * rows * cols;
    for (std::int64_t r = 0; r < rows; ++r) {
      for (std::int64_t c = 0; c < cols; ++c) {
        to[c * rows + r] = from[r * cols + c];
      }
    }
  }
}

std::size_t rnn_primitive_cache_size() { return cache().size(); }

}  // namespace maas::kernels
