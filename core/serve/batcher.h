#pragma once
// Dynamic batching for one model version. Requests that arrive while the model is busy wait in a
// queue, and the next batch takes as many of them as fit in max_batch_size texts, so one forward
// pass serves many requests. When the model is idle, a request runs at once, alone: light load
// pays no added latency. max_queue_delay_us lets a batch wait for more requests, but only while
// the previous batch ended less than that delay ago (the model is busy).
//
// Thread safety: run() may be called from many threads at once. Up to kMaxRunningBatches batches
// run at a time. The thread of a queued request becomes a leader when a place is free; it runs
// batches from the front of the queue until its own request is done, then hands its place to the
// oldest waiting request. A finished batch wakes only the threads whose requests it served.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "core/common/error.h"
#include "core/infer/predictor.h"
#include "core/serve/inference_input.h"
#include "core/serve/repository_config.h"

namespace maas::serve {

// The queue already contains max_queue_depth texts, so the client should retry later (HTTP 429).
class QueueFull : public Error {
 public:
  using Error::Error;
};

// Queue time and batch size of one request, for metrics and access logs.
struct BatchStats {
  double queue_seconds = 0.0;   // from enqueue to the start of its batch
  std::size_t batch_rows = 0;   // texts in the batch that served it
};

class Batcher {
 public:
  // Called once per batch with its number of texts, from the thread that ran it.
  using BatchObserver = std::function<void(std::size_t rows)>;

  Batcher(std::shared_ptr<const infer::Predictor> predictor, BatchingOptions options, BatchObserver observer = {});

  // Runs `input` and writes its probabilities to `output`, blocking until they are ready. Throws
  // QueueFull when the queue is full, InvalidArgument for a text that is not valid UTF-8.
  // Token ids must already be checked with check_id_range.
  BatchStats run(const InferenceInput& input, InferenceOutput& output);

  const BatchingOptions& options() const { return options_; }
  std::size_t classes() const { return classes_; }
  // Texts waiting for a batch right now.
  std::size_t queued_rows();

 private:
  struct Pending;
  // Both are called and return with `lock` held. lead_until_done runs batches for `leader` until
  // its request is done; run_next_batch runs one batch from the front of the queue.
  void lead_until_done(std::unique_lock<std::mutex>& lock, Pending& leader);
  void run_next_batch(std::unique_lock<std::mutex>& lock, Pending& leader);
  void run_batch(Pending* const* requests, std::size_t count) const;

  std::shared_ptr<const infer::Predictor> predictor_;
  BatchingOptions options_;
  BatchObserver observer_;
  std::size_t classes_ = 0;

  std::mutex mutex_;
  std::deque<Pending*> queue_;
  std::size_t queued_rows_ = 0;
  // One batch at a time, so queued requests form full batches. Two concurrent leaders gave no gain
  // beyond run-to-run noise (wrk, 64 connections, quickstart model, a shared 2-core machine).
  static constexpr std::size_t kMaxRunningBatches = 1;
  std::size_t running_ = 0;      // leaders running batches or chosen to run the next ones
  Pending* collector_ = nullptr; // a leader waiting for a fuller batch, woken when the queue fills one
  std::chrono::steady_clock::time_point last_batch_end_{};
};

}  // namespace maas::serve
