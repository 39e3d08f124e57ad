#include "core/serve/worker_pool.h"

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::serve {

WorkerPool::WorkerPool(std::size_t min_threads, std::size_t max_threads, std::chrono::milliseconds idle_timeout)
    : min_threads_(min_threads), max_threads_(max_threads), idle_timeout_(idle_timeout) {
  if (max_threads == 0 || min_threads > max_threads) {
    throw InvalidArgument(fmt::format("worker pool needs 0 <= min_threads <= max_threads and max_threads >= 1, got "
                                      "min_threads {} and max_threads {}",
                                      min_threads, max_threads));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::size_t i = 0; i < min_threads_; ++i) start_thread_locked();
}

WorkerPool::~WorkerPool() { shutdown(); }

void WorkerPool::enqueue(std::function<void()> task) {
  join_retired();
  std::lock_guard<std::mutex> lock(mutex_);
  if (shutting_down_) return;
  tasks_.push_back(std::move(task));
  // Every queued task needs its own idle thread; start one while under the maximum.
  if (tasks_.size() > idle_ && threads_.size() < max_threads_) start_thread_locked();
  task_ready_.notify_one();
}

void WorkerPool::shutdown() {
  std::map<std::thread::id, std::thread> running;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    shutting_down_ = true;
    running.swap(threads_);
  }
  task_ready_.notify_all();
  for (auto& [id, thread] : running) thread.join();
  join_retired();
}

std::size_t WorkerPool::threads() {
  std::lock_guard<std::mutex> lock(mutex_);
  return threads_.size();
}

void WorkerPool::start_thread_locked() {
  // The new thread takes mutex_ before it looks itself up, so it always finds its entry.
  std::thread thread([this] { work(); });
  const std::thread::id id = thread.get_id();
  threads_.emplace(id, std::move(thread));
}

void WorkerPool::join_retired() {
  std::vector<std::thread> finished;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finished.swap(retired_);
  }
  for (std::thread& thread : finished) thread.join();
}

void WorkerPool::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    ++idle_;
    const bool ready = task_ready_.wait_for(lock, idle_timeout_, [this] { return !tasks_.empty() || shutting_down_; });
    --idle_;
    if (tasks_.empty()) {
      if (shutting_down_) return;
      if (!ready && threads_.size() > min_threads_) {
        // Idle too long: hand this thread's handle to retired_ so the next enqueue() or
        // shutdown() joins it once it has returned.
        const auto self = threads_.find(std::this_thread::get_id());
        retired_.push_back(std::move(self->second));
        threads_.erase(self);
        return;
      }
      continue;
    }
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

}  // namespace maas::serve
