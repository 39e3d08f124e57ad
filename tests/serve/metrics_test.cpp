#include "core/serve/metrics.h"

#include <gtest/gtest.h>

namespace maas::serve {
namespace {

bool has_line(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

TEST(Metrics, RendersCountersAndHistograms) {
  Metrics metrics;
  metrics.record_request("intents", "1", 200, 0.0003);
  metrics.record_request("intents", "1", 200, 0.002);
  metrics.record_request("intents", "1", 400, 0.00004);
  metrics.record_request("", "", 404, 0.00001);
  metrics.record_batch("intents", "1", 3);
  metrics.record_queue_time("intents", "1", 0.0);
  metrics.record_load("intents", true);
  metrics.record_load("intents", false);
  metrics.set_loaded_versions({{"intents", 2}});
  const std::string text = metrics.render();

  EXPECT_TRUE(has_line(text, "# TYPE maas_requests_total counter"));
  EXPECT_TRUE(has_line(text, R"(maas_requests_total{model="intents",version="1",code="200"} 2)"));
  EXPECT_TRUE(has_line(text, R"(maas_requests_total{model="intents",version="1",code="400"} 1)"));
  EXPECT_TRUE(has_line(text, R"(maas_requests_total{model="",version="",code="404"} 1)"));
  // 40 us falls in the first bucket (50 us), 300 us in the 500 us bucket, 2 ms in the 2.5 ms bucket.
  EXPECT_TRUE(has_line(text, R"(maas_request_duration_seconds_bucket{model="intents",version="1",le="5e-05"} 1)"));
  EXPECT_TRUE(has_line(text, R"(maas_request_duration_seconds_bucket{model="intents",version="1",le="0.00025"} 1)"));
  EXPECT_TRUE(has_line(text, R"(maas_request_duration_seconds_bucket{model="intents",version="1",le="0.0005"} 2)"));
  EXPECT_TRUE(has_line(text, R"(maas_request_duration_seconds_bucket{model="intents",version="1",le="0.0025"} 3)"));
  EXPECT_TRUE(has_line(text, R"(maas_request_duration_seconds_bucket{model="intents",version="1",le="+Inf"} 3)"));
  EXPECT_TRUE(has_line(text, R"(maas_request_duration_seconds_count{model="intents",version="1"} 3)"));
  // A batch of 3 texts is counted from the le="4" bucket on.
  EXPECT_TRUE(has_line(text, R"(maas_batch_size_bucket{model="intents",version="1",le="2"} 0)"));
  EXPECT_TRUE(has_line(text, R"(maas_batch_size_bucket{model="intents",version="1",le="4"} 1)"));
  EXPECT_TRUE(has_line(text, R"(maas_batch_size_sum{model="intents",version="1"} 3)"));
  EXPECT_TRUE(has_line(text, R"(maas_queue_duration_seconds_count{model="intents",version="1"} 1)"));
  EXPECT_TRUE(has_line(text, R"(maas_model_loads_total{model="intents",result="success"} 1)"));
  EXPECT_TRUE(has_line(text, R"(maas_model_loads_total{model="intents",result="failure"} 1)"));
  EXPECT_TRUE(has_line(text, R"(maas_model_versions_loaded{model="intents"} 2)"));
}

TEST(Metrics, EscapesLabelValues) {
  Metrics metrics;
  metrics.record_load("a\"b\\c\nd", true);
  EXPECT_TRUE(has_line(metrics.render(), R"(maas_model_loads_total{model="a\"b\\c\nd",result="success"} 1)"));
}

}  // namespace
}  // namespace maas::serve
