#pragma once
// Server metrics in the Prometheus text exposition format (version 0.0.4), served at /metrics.
//
//   maas_requests_total{model,version,code}                counter
//   maas_request_duration_seconds{model,version}           histogram, from headers read to response sent
//   maas_queue_duration_seconds{model,version}             histogram, time waiting for a batch
//   maas_batch_size{model,version}                         histogram, texts per forward pass
//   maas_model_loads_total{model,result="success|failure"} counter
//   maas_model_versions_loaded{model}                      gauge
//
// Requests that name no loaded model are counted with model="" and version="", so clients cannot
// grow the number of series by sending made-up names. Thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace maas::serve {

class Metrics {
 public:
  void record_request(std::string_view model, std::string_view version, int status, double seconds);
  void record_queue_time(std::string_view model, std::string_view version, double seconds);
  void record_batch(std::string_view model, std::string_view version, std::size_t rows);
  void record_load(std::string_view model, bool ok);
  // Replaces the loaded-version gauge with `counts` (model name to versions loaded).
  void set_loaded_versions(const std::map<std::string, std::size_t>& counts);

  // Returns every series in the Prometheus text format.
  std::string render() const;

 private:
  struct Histogram {
    std::vector<std::uint64_t> counts;  // one per bucket bound, not cumulative
    std::uint64_t count = 0;
    double sum = 0.0;
  };
  static void observe(std::map<std::string, Histogram, std::less<>>& family, const std::vector<double>& bounds,
                      std::string_view key, double value);

  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t, std::less<>> requests_;          // key: labels text
  std::map<std::string, Histogram, std::less<>> latency_;
  std::map<std::string, Histogram, std::less<>> queue_;
  std::map<std::string, Histogram, std::less<>> batch_;
  std::map<std::string, std::uint64_t, std::less<>> loads_;
  std::map<std::string, std::size_t> loaded_;
};

}  // namespace maas::serve
