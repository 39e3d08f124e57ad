// Accuracy floors on the public datasets beside the repository (../shared/datasets). Each test
// skips with a message when its dataset is missing, as on a fresh clone without that folder.

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/process.h"

namespace maas::testing {
namespace {

namespace fs = std::filesystem;

struct Floor {
  const char* dataset;
  const char* config;
  int epochs;
  double min_accuracy;
  double min_macro_f1;
};

// Floors sit a few points under what the configs reach on a 2-core machine (seed 1), so a real
// regression fails while thread-count noise does not.
const Floor kFloors[] = {
    {"sms_spam", "configs/sms_spam.yaml", 5, 0.97, 0.93},
    {"chnsenticorp", "configs/chnsenticorp.yaml", 5, 0.80, 0.75},
    {"gametox", "configs/gametox.yaml", 2, 0.85, 0.25},
};

// Names the case in test output instead of printing the struct's bytes.
void PrintTo(const Floor& floor, std::ostream* out) { *out << floor.dataset; }

class DatasetFloorTest : public ::testing::TestWithParam<Floor> {};

TEST_P(DatasetFloorTest, TestSetMetricsAboveFloor) {
  const Floor& floor = GetParam();
  const fs::path data = fs::path(MAAS_SOURCE_DIR) / ".." / "shared" / "datasets" / floor.dataset;
  if (!fs::exists(data / "train.csv")) {
    GTEST_SKIP() << "dataset " << data.string() << " not found; it ships beside the repository in shared/datasets";
  }
  TempDir workspace;
  const RunResult result = run_maas({"train", std::string(MAAS_SOURCE_DIR "/") + floor.config, "--no-progress", "--json",
                                     "--set", "training.epochs=" + std::to_string(floor.epochs), "--set",
                                     "output=" + workspace.path() + "/run"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto test = nlohmann::json::parse(result.out).at("test");
  EXPECT_GE(test["accuracy"].get<double>(), floor.min_accuracy);
  EXPECT_GE(test["macro_f1"].get<double>(), floor.min_macro_f1);
}

INSTANTIATE_TEST_SUITE_P(PublicDatasets, DatasetFloorTest, ::testing::ValuesIn(kFloors),
                         [](const ::testing::TestParamInfo<Floor>& info) { return std::string(info.param.dataset); });

}  // namespace
}  // namespace maas::testing
