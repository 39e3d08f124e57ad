// Measures the latency of maas::Classifier::classify (raw text in, probabilities out, tokenization
// included) on batches of texts taken in turn from a file, one text per line. Runs 20 warm-up
// calls, then ITERATIONS timed calls, and prints one JSON object with the median, 90th
// percentile, mean and standard deviation in microseconds.
// Usage: latency MODEL_DIR TEXTS_FILE BATCH ITERATIONS

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

#include <maas/classifier.hpp>

namespace {

constexpr int kWarmupCalls = 20;

std::vector<std::string> read_lines(const char* path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s MODEL_DIR TEXTS_FILE BATCH ITERATIONS\n", argv[0]);
    return 2;
  }
  const int batch = std::atoi(argv[3]);
  const int iterations = std::atoi(argv[4]);
  if (batch < 1 || iterations < 1) {
    std::fprintf(stderr, "latency: BATCH and ITERATIONS must be integers >= 1, got '%s' and '%s'\n", argv[3], argv[4]);
    return 2;
  }
  try {
    const maas::Classifier classifier = maas::Classifier::load(argv[1]);
    const std::vector<std::string> texts = read_lines(argv[2]);
    if (texts.empty()) {
      std::fprintf(stderr, "latency: '%s' has no lines; pass a file with one text per line\n", argv[2]);
      return 1;
    }
    std::size_t next = 0;
    std::vector<std::string> chunk(static_cast<std::size_t>(batch));
    const auto fill_chunk = [&] {
      for (std::string& text : chunk) {
        text = texts[next];
        next = (next + 1) % texts.size();
      }
    };

    std::size_t checksum = 0;  // keeps the calls from being optimised away
    for (int i = 0; i < kWarmupCalls; ++i) {
      fill_chunk();
      checksum += classifier.classify(chunk).front().label_index;
    }
    std::vector<double> micros;
    micros.reserve(static_cast<std::size_t>(iterations));
    for (int i = 0; i < iterations; ++i) {
      fill_chunk();
      const auto start = std::chrono::steady_clock::now();
      checksum += classifier.classify(chunk).front().label_index;
      const auto stop = std::chrono::steady_clock::now();
      micros.push_back(std::chrono::duration<double, std::micro>(stop - start).count());
    }

    std::vector<double> sorted = micros;
    std::sort(sorted.begin(), sorted.end());
    double mean = 0.0;
    for (const double value : micros) mean += value;
    mean /= static_cast<double>(micros.size());
    double variance = 0.0;
    for (const double value : micros) variance += (value - mean) * (value - mean);
    const double stdev = std::sqrt(variance / static_cast<double>(micros.size()));
    std::printf(
        "{\"batch\": %d, \"iterations\": %d, \"median_us\": %.2f, \"p90_us\": %.2f, \"mean_us\": %.2f, "
        "\"stdev_us\": %.2f, \"checksum\": %zu}\n",
        batch, iterations, sorted[sorted.size() / 2], sorted[sorted.size() * 9 / 10], mean, stdev, checksum);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "latency: %s\n", error.what());
    return 1;
  }
  return 0;
}
