// A warm training step of each architecture allocates nothing in maas code: the layers, the loss
// and the optimizer reuse their buffers from the step before. The test counts operator new and
// std::aligned_alloc (tensor storage). oneDNN's primitive execution allocates its own argument
// maps, so calls made from inside libdnnl are not counted.

#include <dlfcn.h>
#include <execinfo.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "core/nn/loss.h"
#include "core/nn/optimizer.h"
#include "core/nn/sequential.h"

namespace {

std::atomic<bool> counting{false};
std::atomic<long> allocations{0};

// Whether a caller among the innermost frames is in libdnnl. Counting stops while it looks,
// because backtrace may itself allocate.
bool called_from_onednn() {
  counting = false;
  void* frames[10];
  const int depth = backtrace(frames, 10);
  bool found = false;
  for (int i = 0; i < depth && !found; ++i) {
    Dl_info info;
    found = dladdr(frames[i], &info) != 0 && info.dli_fname != nullptr &&
            std::strstr(info.dli_fname, "libdnnl") != nullptr;
  }
  counting = true;
  return found;
}

}  // namespace

// Replaces the global operator new of this test program. It counts only while `counting` is
// on, so the other tests in the program see the usual behaviour.
void* operator new(std::size_t size) {
  if (counting.load(std::memory_order_relaxed) && !called_from_onednn()) {
    allocations.fetch_add(1, std::memory_order_relaxed);
  }
  if (void* pointer = std::malloc(size == 0 ? 1 : size)) return pointer;
  throw std::bad_alloc();
}
void operator delete(void* pointer) noexcept { std::free(pointer); }

// Replaces std::aligned_alloc, which Tensor uses for its storage, with the same counting.
extern "C" void* aligned_alloc(std::size_t alignment, std::size_t size) {
  if (counting.load(std::memory_order_relaxed) && !called_from_onednn()) {
    allocations.fetch_add(1, std::memory_order_relaxed);
  }
  void* pointer = nullptr;
  return posix_memalign(&pointer, alignment, size) == 0 ? pointer : nullptr;
}
void operator delete(void* pointer, std::size_t) noexcept { std::free(pointer); }

namespace maas::nn {
namespace {

// Ids [batch, seq] of a batch whose rows have `length` tokens and then padding.
Tensor batch_ids(std::int64_t batch, std::int64_t seq, std::int64_t length, int offset) {
  Tensor ids({batch, seq}, DType::kInt32);
  for (std::int64_t i = 0; i < ids.numel(); ++i) {
    const bool padding = (i % seq) >= length;
    ids.data<std::int32_t>()[i] = padding ? 0 : static_cast<std::int32_t>(1 + (i * 7919 + offset) % 999);
  }
  return ids;
}

struct StepCase {
  const char* name;
  const char* middle_layers;  // between the embedding and the output layer
};

class TrainingStep : public ::testing::TestWithParam<StepCase> {};

TEST_P(TrainingStep, WarmStepAllocatesNothing) {
  const auto architecture = nlohmann::json::parse(std::string(R"({"layers":[
    {"type":"embedding","input_dim":1000,"output_dim":16},)") + GetParam().middle_layers + R"(
    {"type":"dense","units":4,"activation":"softmax"}]})");
  Sequential model = Sequential::from_json(architecture);
  model.initialize(1);
  auto loss = make_loss(model.output_activation());
  auto optimizer = make_adam(0.001f, 0.9f, 0.999f, 1e-7f);
  const std::vector<std::int32_t> labels = {0, 1, 2, 3, 0, 1, 2, 3};

  // Batches of different widths, as length bucketing gives, so that warm steps also change shape.
  const std::vector<Tensor> batches = {batch_ids(8, 12, 12, 0), batch_ids(8, 7, 5, 3), batch_ids(8, 12, 9, 5)};
  const auto step = [&](const Tensor& ids) {
    loss->forward(model.forward(ids, true), labels.data(), nullptr);
    model.backward(loss->backward());
    optimizer->step(model.parameters());
  };
  for (const Tensor& ids : batches) step(ids);
  void* warm_up[1];
  backtrace(warm_up, 1);  // the first call loads libgcc's unwinder

  allocations = 0;
  counting = true;
  for (int round = 0; round < 3; ++round) {
    for (const Tensor& ids : batches) step(ids);
  }
  counting = false;
  EXPECT_EQ(allocations.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Models, TrainingStep,
    ::testing::Values(
        StepCase{"seed", R"({"type":"global_average_pooling1d","mask":true},
                           {"type":"dense","units":16,"activation":"relu"},
                           {"type":"dropout","rate":0.5},)"},
        StepCase{"unmasked_average", R"({"type":"global_average_pooling1d","mask":false},)"},
        StepCase{"conv1d", R"({"type":"conv1d","filters":8,"kernel_size":3,"activation":"relu","padding":"same"},
                             {"type":"global_max_pooling1d","mask":true},)"},
        StepCase{"gru", R"({"type":"gru","units":8},)"},
        StepCase{"lstm", R"({"type":"lstm","units":8,"bidirectional":true},)"},
        StepCase{"transformer", R"({"type":"transformer_encoder","num_heads":2,"ff_dim":16},
                                  {"type":"layer_normalization"},
                                  {"type":"global_average_pooling1d","mask":true},)"}),
    [](const ::testing::TestParamInfo<StepCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace maas::nn
