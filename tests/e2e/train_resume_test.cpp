// Checkpoints and resume, end to end. A run killed with SIGKILL after its first checkpoint and
// resumed with --resume ends with the same weights, byte for byte, as a run that never stopped.
// SIGINT saves a checkpoint and exits with 130 and a resume hint.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/process.h"

namespace maas::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kCheckpointTimeout = 120s;

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The quickstart config on data/game_intents (20 epochs of 22 batches), on one thread so that
// both runs compute in the same order.
std::vector<std::string> train_args(const std::string& run_dir, bool checkpoint_every_step) {
  std::vector<std::string> args = {"train", std::string(MAAS_SOURCE_DIR) + "/configs/text.yaml", "--no-progress",
                                   "--set", "output=" + run_dir, "--set", "training.threads=1"};
  if (checkpoint_every_step) {
    args.insert(args.end(), {"--set", "training.checkpoint_every_steps=1"});
  }
  return args;
}

// Starts `maas ARGS...` with stdout and stderr sent to `log`, and returns its pid.
pid_t start_maas(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(MAAS_BINARY));
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(MAAS_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

// Waits until `path` exists or the process exits; returns true when the file appeared first.
bool wait_for_file(const fs::path& path, pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + kCheckpointTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(path)) return true;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return fs::exists(path);
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

// Sends `signal` and returns the wait status, killing the process if it outlives the timeout.
int signal_and_wait(pid_t pid, int signal) {
  ::kill(pid, signal);
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ADD_FAILURE() << "maas did not exit within 60 s of signal " << signal;
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  return status;
}

TEST(TrainResume, KilledRunResumesToIdenticalWeights) {
  TempDir temp;
  const std::string reference = temp.path() + "/reference";
  const std::string killed = temp.path() + "/killed";

  const RunResult uninterrupted = run_maas(train_args(reference, false));
  ASSERT_EQ(uninterrupted.exit_code, 0) << uninterrupted.err;

  const pid_t pid = start_maas(train_args(killed, true), temp.path() + "/killed.log");
  ASSERT_GT(pid, 0);
  const fs::path checkpoint = fs::path(killed) / "checkpoint" / "state.safetensors";
  const bool appeared = wait_for_file(checkpoint, pid);
  const int status = signal_and_wait(pid, SIGKILL);
  ASSERT_TRUE(appeared) << "no checkpoint within the timeout; log: " << read_bytes(temp.path() + "/killed.log");
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before SIGKILL, so nothing was resumed";
  ASSERT_FALSE(fs::exists(fs::path(killed) / "model")) << "the killed run already wrote its model";

  const RunResult resumed = run_maas({"train", "--resume", killed, "--no-progress"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming"), std::string::npos) << resumed.err;

  const std::string expected = read_bytes(fs::path(reference) / "model" / "weights.safetensors");
  const std::string actual = read_bytes(fs::path(killed) / "model" / "weights.safetensors");
  ASSERT_FALSE(expected.empty());
  EXPECT_TRUE(expected == actual) << "weights differ after resume (" << expected.size() << " and " << actual.size()
                                  << " bytes)";
  // Timings differ between the runs, so only the epoch count of the history is compared.
  const auto lines = [](const std::string& text) { return std::count(text.begin(), text.end(), '\n'); };
  EXPECT_EQ(lines(read_bytes(fs::path(killed) / "metrics.jsonl")),
            lines(read_bytes(fs::path(reference) / "metrics.jsonl")));
}

TEST(TrainResume, SigintSavesCheckpointAndExitsWithHint) {
  TempDir temp;
  const std::string run = temp.path() + "/run";
  const std::string log = temp.path() + "/run.log";
  const pid_t pid = start_maas(train_args(run, true), log);
  ASSERT_GT(pid, 0);
  const bool appeared = wait_for_file(fs::path(run) / "checkpoint" / "state.safetensors", pid);
  const int status = signal_and_wait(pid, SIGINT);
  ASSERT_TRUE(appeared) << read_bytes(log);
  ASSERT_TRUE(WIFEXITED(status)) << "maas died from a signal instead of exiting; log: " << read_bytes(log);
  EXPECT_EQ(WEXITSTATUS(status), 130) << read_bytes(log);
  EXPECT_NE(read_bytes(log).find("maas train --resume " + run), std::string::npos) << read_bytes(log);
}

TEST(TrainResume, SigtermSavesCheckpointAndExitsWithHint) {
  TempDir temp;
  const std::string run = temp.path() + "/run";
  const std::string log = temp.path() + "/run.log";
  const pid_t pid = start_maas(train_args(run, true), log);
  ASSERT_GT(pid, 0);
  const bool appeared = wait_for_file(fs::path(run) / "checkpoint" / "state.safetensors", pid);
  const int status = signal_and_wait(pid, SIGTERM);
  ASSERT_TRUE(appeared) << read_bytes(log);
  ASSERT_TRUE(WIFEXITED(status)) << "maas died from SIGTERM instead of exiting; log: " << read_bytes(log);
  EXPECT_EQ(WEXITSTATUS(status), 143) << read_bytes(log);
  EXPECT_NE(read_bytes(log).find("training stopped by SIGTERM"), std::string::npos) << read_bytes(log);
  EXPECT_NE(read_bytes(log).find("maas train --resume " + run), std::string::npos) << read_bytes(log);
}

TEST(TrainResume, EpochCheckpointsFollowMinimumInterval) {
  TempDir temp;
  const fs::path never = fs::path(temp.path()) / "never";
  std::vector<std::string> args = train_args(never.string(), false);
  args.insert(args.end(), {"--set", "training.checkpoint_min_interval_seconds=3600"});
  const RunResult skipped = run_maas(args);
  ASSERT_EQ(skipped.exit_code, 0) << skipped.err;
  EXPECT_TRUE(fs::exists(never / "model" / "manifest.json"));
  EXPECT_FALSE(fs::exists(never / "checkpoint" / "state.safetensors"));

  const fs::path every = fs::path(temp.path()) / "every";
  args = train_args(every.string(), false);
  args.insert(args.end(), {"--set", "training.checkpoint_min_interval_seconds=0"});
  const RunResult written = run_maas(args);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  EXPECT_TRUE(fs::exists(every / "checkpoint" / "state.safetensors"));
}

TEST(TrainResume, FinishedRunIsNotResumed) {
  TempDir temp;
  const std::string run = temp.path() + "/run";
  std::vector<std::string> args = train_args(run, false);
  args.insert(args.end(), {"--set", "training.checkpoint_min_interval_seconds=0"});
  const RunResult finished = run_maas(args);
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  ASSERT_TRUE(fs::exists(fs::path(run) / "checkpoint" / "state.safetensors"));

  const RunResult resumed = run_maas({"train", "--resume", run, "--no-progress"});
  EXPECT_EQ(resumed.exit_code, 1);
  EXPECT_NE(resumed.err.find("the run already finished"), std::string::npos) << resumed.err;
}

TEST(TrainResume, ResumeWithoutCheckpointFails) {
  TempDir temp;
  std::ofstream(temp.path() + "/config.yaml") << "data: {train: " << MAAS_SOURCE_DIR
                                              << "/data/game_intents/train.csv}\n"
                                                 "model: {layers: [{embedding: {dim: 4}}, "
                                                 "{global_average_pooling1d: {}}, {dense: {activation: auto}}]}\n";
  const RunResult result = run_maas({"train", "--resume", temp.path(), "--no-progress"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("no checkpoint to resume from"), std::string::npos) << result.err;
}

TEST(TrainResume, ResumeRejectsSetOverrides) {
  TempDir temp;
  const RunResult result = run_maas({"train", "--resume", temp.path(), "--set", "training.epochs=3"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("excludes"), std::string::npos) << result.err;
}

TEST(TrainResume, ConfigAndResumeTogetherIsUsageError) {
  TempDir temp;
  const RunResult result =
      run_maas({"train", std::string(MAAS_SOURCE_DIR) + "/configs/text.yaml", "--resume", temp.path()});
  EXPECT_EQ(result.exit_code, 2) << result.err;
}

}  // namespace
}  // namespace maas::testing
