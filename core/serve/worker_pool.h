#pragma once
// The thread pool that runs the server's connections. cpp-httplib 0.11 serves each connection on
// one pool thread for as long as it stays open, so a fixed pool lets a few idle or slow clients
// hold every thread while new connections wait. This pool starts a thread whenever a connection
// arrives and no thread is free, up to a maximum, and lets threads that stay idle exit.
//
// Thread safety: enqueue() and shutdown() may be called from any thread.

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace maas::serve {

class WorkerPool : public httplib::TaskQueue {
 public:
  // Runs at most `max_threads` tasks at once; later tasks wait in order. A thread idle for
  // `idle_timeout` exits, except the first `min_threads`. Throws InvalidArgument when max_threads
  // is 0 or min_threads is larger than max_threads.
  WorkerPool(std::size_t min_threads, std::size_t max_threads, std::chrono::milliseconds idle_timeout);
  ~WorkerPool() override;
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void enqueue(std::function<void()> task) override;
  // Runs the tasks already queued, then joins every thread. Later enqueue() calls are dropped.
  void shutdown() override;

  // Threads alive now, for tests and logs.
  std::size_t threads();

 private:
  void work();
  void start_thread_locked();
  void join_retired();

  const std::size_t min_threads_;
  const std::size_t max_threads_;
  const std::chrono::milliseconds idle_timeout_;

  std::mutex mutex_;
  std::condition_variable task_ready_;
  std::deque<std::function<void()>> tasks_;
  std::map<std::thread::id, std::thread> threads_;
  std::vector<std::thread> retired_;   // threads that exited on idle timeout, joined later
  std::size_t idle_ = 0;               // threads waiting for a task
  bool shutting_down_ = false;
};

}  // namespace maas::serve
