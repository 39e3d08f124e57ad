#include "core/serve/batcher.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "tests/serve/serve_fixture.h"

namespace maas::serve {
namespace {

std::shared_ptr<const infer::Predictor> predictor() {
  static const auto loaded = infer::Predictor::load(testing::trained_model());
  return loaded;
}

InferenceInput texts(std::vector<std::string> rows) {
  InferenceInput input;
  input.texts = std::move(rows);
  return input;
}

// Lets a test hold the batcher busy inside its observer until release().
class Gate {
 public:
  void on_batch(std::size_t rows) {
    std::unique_lock<std::mutex> lock(mutex_);
    batches_.push_back(rows);
    entered_.notify_all();
    opened_.wait(lock, [this] { return open_; });
  }
  void wait_for_batches(std::size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    entered_.wait(lock, [&] { return batches_.size() >= count; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    opened_.notify_all();
  }
  std::vector<std::size_t> batches() {
    std::lock_guard<std::mutex> lock(mutex_);
    return batches_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable entered_;
  std::condition_variable opened_;
  bool open_ = false;
  std::vector<std::size_t> batches_;
};

void expect_rows_match(const InferenceOutput& output, const infer::Probabilities& expected) {
  ASSERT_EQ(output.probabilities.size(), expected.size() * output.classes);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    for (std::size_t c = 0; c < output.classes; ++c) {
      EXPECT_NEAR(output.row(i)[c], expected[i][c], 1e-6) << "row " << i << " class " << c;
    }
  }
}

TEST(Batcher, ConcurrentRequestsGetTheirOwnResults) {
  for (std::size_t max_batch : {1u, 4u, 64u}) {
    SCOPED_TRACE(max_batch);
    Batcher batcher(predictor(), BatchingOptions{max_batch, 100, 4096});
    std::vector<std::vector<std::string>> requests;
    for (int i = 0; i < 16; ++i) {
      requests.push_back({"wts ore " + std::to_string(i), "help pls", std::string(i, 'x') + " noob"});
    }
    std::vector<InferenceOutput> outputs(requests.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      threads.emplace_back([&, i] {
        const InferenceInput input = texts(requests[i]);
        batcher.run(input, outputs[i]);
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (std::size_t i = 0; i < requests.size(); ++i) {
      SCOPED_TRACE(i);
      expect_rows_match(outputs[i], predictor()->predict(requests[i]));
    }
  }
}

TEST(Batcher, TokenIdsMatchEncodedText) {
  Batcher batcher(predictor(), BatchingOptions{});
  const std::string text = "wts frostvein ore";
  std::vector<std::int32_t> ids = predictor()->encode(text);
  // The encoder pads at the front; dropping the padding must give the same row back.
  ids.erase(ids.begin(), std::find_if(ids.begin(), ids.end(), [](std::int32_t id) { return id != 0; }));
  InferenceInput input;
  input.add_id_row(ids);
  InferenceOutput output;
  batcher.run(input, output);
  expect_rows_match(output, predictor()->predict({text}));
}

TEST(Batcher, QueuedRequestsRunAsOneBatch) {
  Gate gate;
  Batcher batcher(predictor(), BatchingOptions{64, 0, 4096}, [&](std::size_t rows) { gate.on_batch(rows); });
  InferenceOutput first_output;
  std::thread first([&] { batcher.run(texts({"first"}), first_output); });
  gate.wait_for_batches(1);  // the model is now busy with the first request

  std::vector<InferenceOutput> outputs(3);
  std::vector<std::thread> waiting;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    waiting.emplace_back([&, i] { batcher.run(texts({"queued " + std::to_string(i)}), outputs[i]); });
  }
  while (batcher.queued_rows() < 3) std::this_thread::yield();
  gate.release();
  first.join();
  for (std::thread& thread : waiting) thread.join();
  EXPECT_EQ(gate.batches(), (std::vector<std::size_t>{1, 3}));
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    expect_rows_match(outputs[i], predictor()->predict({"queued " + std::to_string(i)}));
  }
}

TEST(Batcher, FullQueueRejectsRequest) {
  Gate gate;
  Batcher batcher(predictor(), BatchingOptions{64, 0, 2}, [&](std::size_t rows) { gate.on_batch(rows); });
  InferenceOutput first_output, queued_output, rejected_output;
  std::thread first([&] { batcher.run(texts({"first"}), first_output); });
  gate.wait_for_batches(1);
  std::thread queued([&] { batcher.run(texts({"a", "b"}), queued_output); });
  while (batcher.queued_rows() < 2) std::this_thread::yield();
  EXPECT_THROW(batcher.run(texts({"c"}), rejected_output), QueueFull);
  gate.release();
  first.join();
  queued.join();
  EXPECT_EQ(queued_output.probabilities.size(), 2 * queued_output.classes);
}

TEST(Batcher, EmptyInputReturnsNoRows) {
  Batcher batcher(predictor(), BatchingOptions{});
  InferenceOutput output;
  const BatchStats stats = batcher.run(InferenceInput{}, output);
  EXPECT_EQ(stats.batch_rows, 0u);
  EXPECT_TRUE(output.probabilities.empty());
  EXPECT_EQ(output.classes, 6u);
}

TEST(Batcher, LargeRequestRunsInChunks) {
  Batcher batcher(predictor(), BatchingOptions{4, 0, 4096});
  std::vector<std::string> rows;
  for (int i = 0; i < 600; ++i) rows.push_back("text " + std::to_string(i % 7));
  InferenceOutput output;
  batcher.run(texts(rows), output);
  expect_rows_match(output, predictor()->predict(rows));
}

}  // namespace
}  // namespace maas::serve
