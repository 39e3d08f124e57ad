// Timing of one training step of the seed model. Disabled by default because it is a
// measurement, not a check. Run it with
//   maas_nn_tests --gtest_also_run_disabled_tests --gtest_filter='*TrainingStepTiming*'

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "core/nn/loss.h"
#include "core/nn/optimizer.h"
#include "core/nn/sequential.h"
#include "kernels/runtime.h"

namespace maas::nn {
namespace {

TEST(TrainingStepTiming, DISABLED_SeedModelAdamStep) {
  const auto architecture = nlohmann::json::parse(R"({"layers":[
    {"type":"embedding","input_dim":20000,"output_dim":64},
    {"type":"global_average_pooling1d","mask":true},
    {"type":"dense","units":64,"activation":"relu"},
    {"type":"dropout","rate":0.5},
    {"type":"dense","units":6,"activation":"softmax"}]})");
  constexpr std::int64_t kBatch = 32;
  constexpr std::int64_t kSeq = 64;
  constexpr int kWarmup = 10;
  constexpr int kRepetitions = 100;

  Sequential model = Sequential::from_json(architecture);
  model.initialize(1);
  auto loss = make_loss(model.output_activation());
  auto optimizer = make_adam(0.001f, 0.9f, 0.999f, 1e-7f);

  Tensor ids({kBatch, kSeq}, DType::kInt32);
  for (std::int64_t i = 0; i < ids.numel(); ++i) {
    // About a quarter of the positions are padding.
    ids.data<std::int32_t>()[i] = (i % kSeq) >= 48 ? 0 : static_cast<std::int32_t>(1 + (i * 7919) % 19999);
  }
  std::vector<std::int32_t> labels(kBatch);
  for (std::int64_t b = 0; b < kBatch; ++b) {
    labels[b] = static_cast<std::int32_t>(b % 6);
  }

  // One thread first: with every core in use, a busy machine delays OpenMP barriers.
  for (int threads : {1, 0}) {
    kernels::set_num_threads(threads);
    std::vector<double> milliseconds;
    for (int step = 0; step < kWarmup + kRepetitions; ++step) {
      const auto start = std::chrono::steady_clock::now();
      loss->forward(model.forward(ids, true), labels.data(), nullptr);
      model.backward(loss->backward());
      optimizer->step(model.parameters());
      const auto stop = std::chrono::steady_clock::now();
      if (step >= kWarmup) {
        milliseconds.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
      }
    }
    std::sort(milliseconds.begin(), milliseconds.end());
    std::printf("seed model training step (batch %lld, seq %lld, Adam, %d threads): median %.3f ms, "
                "p10 %.3f ms, p90 %.3f ms over %d steps\n",
                static_cast<long long>(kBatch), static_cast<long long>(kSeq), kernels::num_threads(),
                milliseconds[milliseconds.size() / 2], milliseconds[milliseconds.size() / 10],
                milliseconds[milliseconds.size() * 9 / 10], kRepetitions);
  }
  kernels::set_num_threads(0);
}

}  // namespace
}  // namespace maas::nn
