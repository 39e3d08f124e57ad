#include "core/serve/batcher.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "core/tensor/tensor.h"

namespace maas::serve {

namespace {

using Clock = std::chrono::steady_clock;

// Rows per forward pass when one request alone is larger than max_batch_size, so a big request
// neither runs row by row nor builds one huge activation tensor.
constexpr std::size_t kMinChunkRows = 256;

}  // namespace

struct Batcher::Pending {
  const InferenceInput* input = nullptr;
  InferenceOutput* output = nullptr;
  std::size_t rows = 0;
  Clock::time_point enqueued;
  Clock::time_point started;
  std::size_t batch_rows = 0;
  bool done = false;
  bool leads = false;                 // this request's thread runs batches until the request is done
  bool taken = false;                 // a batch has taken this request off the queue
  std::condition_variable wake;       // signalled when done or leads becomes true
  std::exception_ptr error;
};

Batcher::Batcher(std::shared_ptr<const infer::Predictor> predictor, BatchingOptions options, BatchObserver observer)
    : predictor_(std::move(predictor)), options_(options), observer_(std::move(observer)) {
  if (!predictor_) throw InvalidArgument("Batcher needs a loaded predictor, got nullptr");
  if (options_.max_batch_size == 0) throw InvalidArgument("max_batch_size must be at least 1, got 0");
  classes_ = predictor_->labels().size();
}

BatchStats Batcher::run(const InferenceInput& input, InferenceOutput& output) {
  Pending request;
  request.input = &input;
  request.output = &output;
  request.rows = input.rows();
  request.enqueued = Clock::now();
  output.classes = classes_;
  if (request.rows == 0) {
    output.probabilities.clear();
    return {};
  }

  // Batching off: every request runs on its own thread, in parallel with the others.
  if (options_.max_batch_size <= 1) {
    Pending* one = &request;
    request.started = request.enqueued;
    request.batch_rows = request.rows;
    run_batch(&one, 1);
    if (observer_) observer_(request.rows);
    if (request.error) std::rethrow_exception(request.error);
    return {0.0, request.rows};
  }

  std::unique_lock<std::mutex> lock(mutex_);
  // A request larger than the whole queue may still enter an empty queue, or it could never run.
  if (queued_rows_ > 0 && queued_rows_ + request.rows > options_.max_queue_depth) {
    throw QueueFull(fmt::format("the batch queue contains {} texts and this request adds {}, over max_queue_depth {}; "
                                "retry later or raise max_queue_depth in models.yaml",
                                queued_rows_, request.rows, options_.max_queue_depth));
  }
  queue_.push_back(&request);
  queued_rows_ += request.rows;
  if (collector_ != nullptr && queued_rows_ >= options_.max_batch_size) collector_->wake.notify_one();

  if (running_ < kMaxRunningBatches) {
    ++running_;
    request.leads = true;
  } else {
    // Each waiting thread sleeps on its own condition variable and is woken only when its request
    // is done or when it must run the next batch, so a finished batch does not wake every waiter.
    request.wake.wait(lock, [&request] { return request.done || request.leads; });
  }
  if (request.leads) lead_until_done(lock, request);
  lock.unlock();

  if (request.error) std::rethrow_exception(request.error);
  return {std::chrono::duration<double>(request.started - request.enqueued).count(), request.batch_rows};
}

void Batcher::lead_until_done(std::unique_lock<std::mutex>& lock, Pending& leader) {
  // Batches start at the front of the queue, so a leader serves the older requests first and
  // runs batches until one of them contains its own request.
  while (!leader.done && !leader.taken) run_next_batch(lock, leader);
  leader.leads = false;
  // Hand this thread's place to the oldest queued request that does not lead yet.
  const auto next = std::find_if(queue_.begin(), queue_.end(), [](const Pending* pending) { return !pending->leads; });
  if (next == queue_.end()) {
    --running_;
  } else {
    (*next)->leads = true;
    (*next)->wake.notify_one();
  }
  // Another leader's batch took this request and has not finished it yet.
  leader.wake.wait(lock, [&leader] { return leader.done; });
}

void Batcher::run_next_batch(std::unique_lock<std::mutex>& lock, Pending& leader) {
  const auto delay = std::chrono::microseconds(options_.max_queue_delay_us);
  if (delay.count() > 0 && collector_ == nullptr && queued_rows_ < options_.max_batch_size &&
      Clock::now() - last_batch_end_ < delay) {
    collector_ = &leader;
    const Clock::time_point deadline = queue_.front()->enqueued + delay;
    leader.wake.wait_until(lock, deadline, [this] { return queued_rows_ >= options_.max_batch_size; });
    collector_ = nullptr;
  }
  thread_local std::vector<Pending*> batch;
  batch.clear();
  std::size_t rows = 0;
  while (!queue_.empty()) {
    Pending* next = queue_.front();
    if (!batch.empty() && rows + next->rows > options_.max_batch_size) break;
    next->taken = true;
    batch.push_back(next);
    rows += next->rows;
    queue_.pop_front();
  }
  queued_rows_ -= rows;
  lock.unlock();

  const Clock::time_point started = Clock::now();
  for (Pending* pending : batch) {
    pending->started = started;
    pending->batch_rows = rows;
  }
  run_batch(batch.data(), batch.size());
  if (observer_) observer_(rows);

  lock.lock();
  // Notified under the lock: a woken request returns at once and its Pending, which owns the
  // condition variable, lives on that thread's stack.
  for (Pending* pending : batch) {
    pending->done = true;
    if (pending != &leader) pending->wake.notify_one();
  }
  last_batch_end_ = Clock::now();
}

std::size_t Batcher::queued_rows() {
  std::lock_guard<std::mutex> lock(mutex_);
  return queued_rows_;
}

void Batcher::run_batch(Pending* const* requests, std::size_t count) const {
  const io::Model& model = predictor_->model();
  const text::TextEncoder& encoder = model.encoder;
  const auto length = static_cast<std::size_t>(encoder.max_length());
  // Only a binary classifier's single sigmoid output p becomes {1 - p, p}.
  const bool binary = model.manifest.task == Task::kClassification && model.network.outputs() == 1;
  const auto outputs = static_cast<std::size_t>(model.network.outputs());

  std::size_t total_rows = 0;
  for (std::size_t r = 0; r < count; ++r) total_rows += requests[r]->rows;

  // Every valid request's rows are encoded into one buffer; a request that fails to encode gets
  // its error and its rows are overwritten by the next request's.
  thread_local Tensor ids;
  thread_local Tensor chunk;
  thread_local std::vector<Pending*> placed;
  placed.clear();
  try {
    ids.resize({static_cast<std::int64_t>(total_rows), static_cast<std::int64_t>(length)}, DType::kInt32);
  } catch (...) {
    for (std::size_t r = 0; r < count; ++r) requests[r]->error = std::current_exception();
    return;
  }
  std::int32_t* dst = ids.data<std::int32_t>();
  std::size_t filled = 0;
  for (std::size_t r = 0; r < count; ++r) {
    Pending* request = requests[r];
    const InferenceInput& input = *request->input;
    try {
      for (std::size_t i = 0; i < request->rows; ++i) {
        std::int32_t* row = dst + (filled + i) * length;
        if (input.tokenized) {
          const std::size_t begin = input.id_offsets[i];
          text::pad_sequence_into(input.ids.data() + begin, input.id_offsets[i + 1] - begin, encoder.padding(), row);
        } else {
          encoder.encode_into(input.texts[i], row);
        }
      }
      filled += request->rows;
      placed.push_back(request);
    } catch (...) {
      request->error = std::current_exception();
    }
  }

  try {
    const std::size_t chunk_rows = std::max(options_.max_batch_size, kMinChunkRows);
    std::size_t request_index = 0;
    std::size_t request_row = 0;
    for (std::size_t start = 0; start < filled; start += chunk_rows) {
      const std::size_t rows = std::min(chunk_rows, filled - start);
      const Tensor* source = &ids;
      if (rows != filled) {
        chunk.resize({static_cast<std::int64_t>(rows), static_cast<std::int64_t>(length)}, DType::kInt32);
        std::memcpy(chunk.data<std::int32_t>(), dst + start * length, rows * length * sizeof(std::int32_t));
        source = &chunk;
      }
      const Tensor probabilities = model.network.predict(*source);
      const float* p = probabilities.data<float>();
      // Hand each row's probabilities to the request it came from, in order.
      for (std::size_t i = 0; i < rows; ++i) {
        Pending* request = placed[request_index];
        std::vector<float>& out = request->output->probabilities;
        if (request_row == 0) out.resize(request->rows * classes_);
        float* row = out.data() + request_row * classes_;
        if (binary) {
          row[0] = 1.0f - p[i];
          row[1] = p[i];
        } else {
          std::copy(p + i * outputs, p + (i + 1) * outputs, row);
        }
        if (++request_row == request->rows) {
          ++request_index;
          request_row = 0;
        }
      }
    }
  } catch (...) {
    for (Pending* request : placed) request->error = std::current_exception();
  }
}

}  // namespace maas::serve
