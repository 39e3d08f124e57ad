// WorkerPool: threads start on demand up to the maximum, and every task runs.

#include <atomic>
#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/serve/worker_pool.h"

namespace maas::serve {
namespace {

// Runs `tasks` tasks that each wait until `concurrent` of them are running at once, so the test
// finishes only if the pool runs that many in parallel.
TEST(WorkerPool, GrowsToRunBlockedTasksInParallel) {
  constexpr int kTasks = 40;
  WorkerPool pool(2, 64, std::chrono::seconds(30));
  std::mutex mutex;
  std::condition_variable all_running;
  int running = 0;
  std::atomic<int> finished{0};
  for (int i = 0; i < kTasks; ++i) {
    pool.enqueue([&] {
      std::unique_lock<std::mutex> lock(mutex);
      ++running;
      all_running.notify_all();
      all_running.wait(lock, [&] { return running == kTasks; });
      ++finished;
    });
  }
  pool.shutdown();
  EXPECT_EQ(finished.load(), kTasks);
}

TEST(WorkerPool, QueuesTasksBeyondMaximum) {
  WorkerPool pool(0, 2, std::chrono::seconds(30));
  std::atomic<int> finished{0};
  for (int i = 0; i < 50; ++i) pool.enqueue([&] { ++finished; });
  EXPECT_LE(pool.threads(), 2u);
  pool.shutdown();
  EXPECT_EQ(finished.load(), 50);
  pool.enqueue([&] { ++finished; });  // dropped after shutdown
  EXPECT_EQ(finished.load(), 50);
}

TEST(WorkerPool, IdleThreadsExitDownToMinimum) {
  WorkerPool pool(1, 8, std::chrono::milliseconds(1));
  std::atomic<int> finished{0};
  for (int i = 0; i < 8; ++i) pool.enqueue([&] { ++finished; });
  // Bounded poll: threads above the minimum exit after 1 ms idle.
  for (int attempt = 0; attempt < 500 && pool.threads() > 1; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(pool.threads(), 1u);
  pool.shutdown();
  EXPECT_EQ(finished.load(), 8);
}

TEST(WorkerPool, RejectsInvalidSizes) {
  EXPECT_THROW(WorkerPool(0, 0, std::chrono::seconds(1)), InvalidArgument);
  EXPECT_THROW(WorkerPool(4, 2, std::chrono::seconds(1)), InvalidArgument);
}

}  // namespace
}  // namespace maas::serve
