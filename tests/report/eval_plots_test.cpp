#include "core/report/eval_plots.h"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "tests/report/xml_checker.h"

namespace maas::report {
namespace {

namespace fs = std::filesystem;

// A fresh folder under the system temp folder, removed on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "maas-report-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

train::ClassificationReport small_report() {
  train::ClassificationReport report({"spam", "ham"});
  report.add(0, {0.9f, 0.1f});
  report.add(1, {0.2f, 0.8f});
  report.add(1, {0.6f, 0.4f});
  return report;
}

TEST(RunMetricsPath, IsBesideModelFolder) {
  struct Case {
    fs::path model;
    fs::path expected;
  };
  const std::vector<Case> cases = {
      {"/runs/text/model", "/runs/text/metrics.jsonl"},
      {"/runs/text/model/", "/runs/text/metrics.jsonl"},
      {"/runs/text/./model//", "/runs/text/metrics.jsonl"},
      {"/runs/text/model/../model", "/runs/text/metrics.jsonl"},
      {"/models/text/1", "/models/text/metrics.jsonl"},  // an exported model has no run folder, so no file
  };
  for (const Case& c : cases) EXPECT_EQ(run_metrics_path(c.model), c.expected) << c.model;
  EXPECT_EQ(run_metrics_path("model"), fs::current_path() / "metrics.jsonl");
}

TEST(WriteEvalPlots, WithoutMetricsSkipsCurves) {
  ScratchDir scratch;
  fs::create_directories(scratch.path() / "run/model");
  const fs::path plots = scratch.path() / "plots/nested";
  const auto written = write_eval_plots(small_report(), scratch.path() / "run/model", "test.csv", plots);
  EXPECT_EQ(written, (std::vector<fs::path>{plots / kConfusionMatrixFile, plots / kClassMetricsFile}));
  EXPECT_FALSE(fs::exists(plots / kTrainingCurvesFile));
  for (const fs::path& path : written) {
    const auto parsed = testing::parse_xml(read_text(path));
    EXPECT_TRUE(parsed.error.empty()) << path << ": " << parsed.error;
  }
}

TEST(WriteEvalPlots, WithMetricsWritesCurves) {
  ScratchDir scratch;
  fs::create_directories(scratch.path() / "run/model");
  write_text(scratch.path() / "run/metrics.jsonl",
             "{\"epoch\":1,\"loss\":0.7,\"accuracy\":0.5,\"val_loss\":0.8,\"val_accuracy\":0.4}\n"
             "{\"epoch\":2,\"loss\":0.4,\"accuracy\":0.8,\"val_loss\":0.5,\"val_accuracy\":0.7}\n");
  const fs::path plots = scratch.path() / "plots";
  const auto written = write_eval_plots(small_report(), scratch.path() / "run/model/", "test.csv", plots);
  ASSERT_EQ(written.size(), 3u);
  EXPECT_EQ(written[2], plots / kTrainingCurvesFile);
  const std::string curves = read_text(plots / kTrainingCurvesFile);
  const auto parsed = testing::parse_xml(curves);
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  EXPECT_NE(curves.find("val_accuracy (last 0.700)"), std::string::npos);
}

TEST(WriteEvalPlots, EmptyMetricsSkipsCurves) {
  ScratchDir scratch;
  fs::create_directories(scratch.path() / "run/model");
  write_text(scratch.path() / "run/metrics.jsonl", "");
  const auto written = write_eval_plots(small_report(), scratch.path() / "run/model", "t.csv", scratch.path() / "p");
  EXPECT_EQ(written.size(), 2u);
}

TEST(WriteEvalPlots, MalformedMetricsFailsBeforeWriting) {
  ScratchDir scratch;
  fs::create_directories(scratch.path() / "run/model");
  write_text(scratch.path() / "run/metrics.jsonl", "{\"epoch\":1,\"loss\":0.7}\nnot json\n");
  const fs::path plots = scratch.path() / "plots";
  try {
    write_eval_plots(small_report(), scratch.path() / "run/model", "t.csv", plots);
    ADD_FAILURE() << "no error for a malformed metrics.jsonl";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("metrics.jsonl:2: invalid JSON"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(plots));
}

TEST(WriteEvalPlots, PlotPathThatIsAFileThrows) {
  ScratchDir scratch;
  write_text(scratch.path() / "taken", "x");
  try {
    write_eval_plots(small_report(), scratch.path() / "run/model", "t.csv", scratch.path() / "taken");
    ADD_FAILURE() << "no error for a --plot path that is a file";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("is not a folder"), std::string::npos) << e.what();
  }
}

TEST(WriteEvalPlots, ReplacesExistingFiles) {
  ScratchDir scratch;
  const fs::path plots = scratch.path() / "plots";
  fs::create_directories(plots);
  write_text(plots / kConfusionMatrixFile, "old");
  write_eval_plots(small_report(), scratch.path() / "run/model", "t.csv", plots);
  EXPECT_NE(read_text(plots / kConfusionMatrixFile), "old");
}

}  // namespace
}  // namespace maas::report
