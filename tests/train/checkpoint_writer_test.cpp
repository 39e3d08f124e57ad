// CheckpointWriter: background writes that land on disk intact, and failures that reach the caller.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "core/common/error.h"
#include "core/nn/optimizer.h"
#include "core/nn/parameter.h"
#include "core/train/checkpoint.h"

namespace maas::train {
namespace {

namespace fs = std::filesystem;

class CheckpointWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("maas_checkpoint_writer_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    Tensor value({2, 3});
    for (int i = 0; i < 6; ++i) value.data<float>()[i] = 0.5f * static_cast<float>(i);
    params_.emplace_back("layers.0.dense.kernel", value, Tensor({2, 3}));
    params_[0].grad.fill(0.25f);
    optimizer_->step(params_);
    state_.epoch = 3;
    state_.batches_done = 1;
    state_.plan.rows = {1, 0};
    state_.plan.starts = {0, 2};
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
  std::vector<nn::Parameter> params_;
  std::unique_ptr<nn::Optimizer> optimizer_ = nn::make_adam(0.1f, 0.9f, 0.999f, 1e-7f);
  CheckpointState state_;
};

TEST_F(CheckpointWriterTest, SavedStateLoadsBack) {
  CheckpointWriter writer;
  writer.save(root_, state_, params_, *optimizer_, nullptr);
  const std::vector<float> saved(params_[0].value.data<float>(), params_[0].value.data<float>() + 6);
  // The writer keeps its own copy, so the model may change before the write ends.
  params_[0].value.fill(-1.0f);
  writer.wait();

  std::vector<nn::Parameter> loaded;
  loaded.emplace_back("layers.0.dense.kernel", Tensor({2, 3}), Tensor({2, 3}));
  auto optimizer = nn::make_adam(0.1f, 0.9f, 0.999f, 1e-7f);
  const CheckpointState state = load_checkpoint(root_, loaded, *optimizer, nullptr);
  EXPECT_EQ(state.epoch, 3);
  EXPECT_EQ(state.batches_done, 1);
  EXPECT_EQ(state.plan.rows, (std::vector<std::int32_t>{1, 0}));
  EXPECT_EQ(optimizer->iterations(), 1);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(loaded[0].value.data<float>()[i], saved[static_cast<std::size_t>(i)]);
}

TEST_F(CheckpointWriterTest, FailedWriteThrowsOnWait) {
  // A regular file where the run folder should be, so the checkpoint folder cannot be created.
  const fs::path run_dir = root_ / "run";
  std::ofstream(run_dir) << "not a folder";
  CheckpointWriter writer;
  writer.save(run_dir, state_, params_, *optimizer_, nullptr);
  EXPECT_THROW(writer.wait(), std::exception);
  // The error is thrown once, and the writer can be used again.
  EXPECT_NO_THROW(writer.wait());
}

TEST_F(CheckpointWriterTest, FailedWriteThrowsOnNextSave) {
  const fs::path run_dir = root_ / "run";
  std::ofstream(run_dir) << "not a folder";
  CheckpointWriter writer;
  writer.save(run_dir, state_, params_, *optimizer_, nullptr);
  EXPECT_THROW(writer.save(root_, state_, params_, *optimizer_, nullptr), std::exception);
}

TEST_F(CheckpointWriterTest, DamagedTensorDataIsRejected) {
  CheckpointWriter writer;
  writer.save(root_, state_, params_, *optimizer_, nullptr);
  writer.wait();

  // Flip one byte of the last tensor, past the header, as a bad disk block would.
  const fs::path file = checkpoint_path(root_);
  std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
  stream.seekg(-1, std::ios::end);
  const char byte = static_cast<char>(stream.get());
  stream.seekp(-1, std::ios::end);
  stream.put(static_cast<char>(byte ^ 0x40));
  stream.close();

  std::vector<nn::Parameter> loaded;
  loaded.emplace_back("layers.0.dense.kernel", Tensor({2, 3}), Tensor({2, 3}));
  auto optimizer = nn::make_adam(0.1f, 0.9f, 0.999f, 1e-7f);
  try {
    load_checkpoint(root_, loaded, *optimizer, nullptr);
    FAIL() << "a damaged checkpoint was loaded";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find("the file is damaged"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace maas::train
