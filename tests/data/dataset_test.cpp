#include "core/data/dataset.h"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "tests/data/reader_test_support.h"

namespace maas::data {
namespace {

using testing::message_of;
using testing::TempFolder;

void expect_two_examples(const Dataset& dataset) {
  ASSERT_EQ(dataset.examples.size(), 2u);
  EXPECT_EQ(dataset.examples[0].text, "good film");
  EXPECT_EQ(dataset.examples[0].label, "pos");
  EXPECT_EQ(dataset.examples[1].text, "bad film");
  EXPECT_EQ(dataset.examples[1].label, "neg");
}

TEST(ReadDataset, ChoosesFormatFromExtension) {
  TempFolder folder;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"train.csv", "text,label\ngood film,pos\nbad film,neg\n"},
      {"train.tsv", "text\tlabel\ngood film\tpos\nbad film\tneg\n"},
      {"train.jsonl", "{\"text\":\"good film\",\"label\":\"pos\"}\n"
                      "{\"text\":\"bad film\",\"label\":\"neg\"}\n"},
      {"train.ndjson", "{\"text\":\"good film\",\"label\":\"pos\"}\n"
                       "{\"text\":\"bad film\",\"label\":\"neg\"}\n"},
      {"train.txt", "__label__pos good film\n__label__neg bad film\n"},
      {"train.FT", "__label__pos good film\n__label__neg bad film\n"},
  };
  for (const auto& [name, content] : files) {
    SCOPED_TRACE(name);
    const std::filesystem::path path = folder.write(name, content);
    const Dataset dataset = read_dataset(path, {});
    EXPECT_EQ(dataset.source, path.string());
    expect_two_examples(dataset);
  }
}

TEST(ReadDataset, ExplicitFormatOverridesExtension) {
  TempFolder folder;
  const std::filesystem::path path = folder.write("train.dat", "text,label\ngood film,pos\nbad film,neg\n");
  ReadOptions options;
  options.format = Format::kCsv;
  expect_two_examples(read_dataset(path, options));

  const std::filesystem::path lines = folder.write("predict.txt", "one\n__label__x two\n");
  ReadOptions lines_options = testing::unlabelled();
  lines_options.format = Format::kLines;
  const Dataset dataset = read_dataset(lines, lines_options);
  ASSERT_EQ(dataset.examples.size(), 2u);
  EXPECT_EQ(dataset.examples[1].text, "__label__x two");
}

TEST(ReadDataset, RejectsUnknownExtension) {
  TempFolder folder;
  const std::filesystem::path path = folder.write("train.dat", "text,label\n");
  const std::string message = message_of<InvalidArgument>([&] { read_dataset(path, {}); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find(".csv, .tsv, .jsonl, .ndjson, .txt, .ft"), std::string::npos) << message;
  EXPECT_NE(message.find("set the format explicitly"), std::string::npos) << message;
}

TEST(ReadDataset, RejectsMissingFileAndFolder) {
  TempFolder folder;
  const std::filesystem::path missing = folder.path() / "missing.csv";
  std::string message = message_of<IoError>([&] { read_dataset(missing, {}); });
  EXPECT_NE(message.find(missing.string()), std::string::npos) << message;
  EXPECT_NE(message.find("not found"), std::string::npos) << message;

  const std::filesystem::path directory = folder.path() / "folder.csv";
  std::filesystem::create_directory(directory);
  message = message_of<IoError>([&] { read_dataset(directory, {}); });
  EXPECT_NE(message.find("is a directory"), std::string::npos) << message;
}

TEST(ReadDataset, NamesFileInContentErrors) {
  TempFolder folder;
  const std::filesystem::path path = folder.write("bad.csv", "text,label\n\"open,x\n");
  const std::string message = message_of<IoError>([&] { read_dataset(path, {}); });
  EXPECT_NE(message.find(path.string() + ":2:"), std::string::npos) << message;
}

TEST(ParseDataset, ChoosesFormatByPrecedence) {
  const std::string csv = "text,label\ngood film,pos\nbad film,neg\n";
  ReadOptions tsv_options;
  tsv_options.format = Format::kTsv;

  // The format argument wins over options.format and the extension.
  expect_two_examples(parse_dataset(csv, "data.tsv", Format::kCsv, tsv_options));
  // options.format wins over the extension.
  ReadOptions csv_options;
  csv_options.format = Format::kCsv;
  expect_two_examples(parse_dataset(csv, "data.jsonl", Format::kAuto, csv_options));
  // With both kAuto the extension of the source decides.
  expect_two_examples(parse_dataset(csv, "data.csv", Format::kAuto, {}));

  const std::string message =
      message_of<InvalidArgument>([&] { parse_dataset(csv, "stdin", Format::kAuto, {}); });
  EXPECT_NE(message.find("\"stdin\""), std::string::npos) << message;
  EXPECT_NE(message.find("no extension"), std::string::npos) << message;
}

TEST(ParseDataset, RejectsConflictingColumns) {
  ReadOptions same;
  same.label_column = "text";
  std::string message = message_of<InvalidArgument>(
      [&] { parse_dataset("text\nx\n", "mem.csv", Format::kCsv, same); });
  EXPECT_NE(message.find("both \"text\""), std::string::npos) << message;

  ReadOptions empty_text;
  empty_text.text_column = "";
  message = message_of<InvalidArgument>(
      [&] { parse_dataset("text\nx\n", "mem.jsonl", Format::kJsonl, empty_text); });
  EXPECT_NE(message.find("text column name is empty"), std::string::npos) << message;
}

// Reads the shared GameTox split, whose dataset README states 42,961 training rows in 6 classes.
TEST(ReadDataset, ReadsGameToxTrainingSplit) {
  const std::filesystem::path path = MAAS_SOURCE_DIR "/../shared/datasets/gametox/train.csv";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << "GameTox dataset not found at " << path.string()
                 << "; place the shared datasets folder next to the repository to run this test.";
  }
  const Dataset dataset = read_dataset(path, {});
  EXPECT_GT(dataset.examples.size(), 40000u);
  EXPECT_EQ(dataset.examples.size(), 42961u);
  EXPECT_EQ(dataset.blank_lines, 0u);

  std::set<std::string> labels;
  for (const Example& example : dataset.examples) {
    labels.insert(example.label);
  }
  EXPECT_EQ(labels, (std::set<std::string>{"non_toxic", "insult_flaming", "other_offensive",
                                           "hate_harassment", "threat", "extremism"}));

  ASSERT_FALSE(dataset.examples.empty());
  EXPECT_EQ(dataset.examples.front().text, "hey Team mates - are you playing with me?????");
  EXPECT_EQ(dataset.examples.front().label, "non_toxic");
  EXPECT_EQ(dataset.examples.front().line, 2u);
}

}  // namespace
}  // namespace maas::data
