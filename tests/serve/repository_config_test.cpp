#include "core/serve/repository_config.h"

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace maas::serve {
namespace {

TEST(RepositoryConfig, EmptyFileKeepsDefaults) {
  ModelConfig defaults;
  defaults.batching.max_batch_size = 8;
  const RepositoryConfig config = parse_repository_config("", "models.yaml", defaults);
  EXPECT_EQ(config.for_model("any").batching.max_batch_size, 8u);
  EXPECT_EQ(config.for_model("any").version_policy.kind, VersionPolicy::Kind::kLatest);
  EXPECT_EQ(config.for_model("any").version_policy.latest, 1u);
}

TEST(RepositoryConfig, ReadsPoliciesAndBatching) {
  const RepositoryConfig config = parse_repository_config(R"(
defaults: {max_batch_size: 16}
models:
  a: {version_policy: {latest: 2}, max_queue_delay_us: 300}
  b: {version_policy: all, max_queue_depth: 10}
  c: {version_policy: {specific: [3, 1, 3]}}
  d:
)",
                                                          "models.yaml", {});
  EXPECT_EQ(config.for_model("a").version_policy.describe(), "latest 2");
  EXPECT_EQ(config.for_model("a").batching.max_queue_delay_us, 300);
  EXPECT_EQ(config.for_model("a").batching.max_batch_size, 16u);
  EXPECT_EQ(config.for_model("b").version_policy.describe(), "all");
  EXPECT_EQ(config.for_model("b").batching.max_queue_depth, 10u);
  EXPECT_EQ(config.for_model("c").version_policy.describe(), "specific [1, 3]");
  EXPECT_EQ(config.for_model("d").batching.max_batch_size, 16u);
  EXPECT_EQ(config.for_model("unlisted").batching.max_batch_size, 16u);
}

TEST(RepositoryConfig, RejectsBadFiles) {
  struct Case {
    const char* name;
    const char* yaml;
    const char* message_part;
  };
  const std::vector<Case> cases = {
      {"invalid YAML", "models: [", "models.yaml:1: invalid YAML"},
      {"root not map", "- a", "expected a mapping"},
      {"unknown top key", "modles: {}", ".modles: unknown key; expected one of: defaults, models"},
      {"unknown model key", "models:\n  a: {batch: 3}", "models.yaml:2: models.a.batch: unknown key"},
      {"duplicate model", "models:\n  a: {}\n  a: {}", "models.a: duplicate key"},
      {"bad name", "models:\n  ../x: {}", "invalid model name"},
      {"batch zero", "models:\n  a: {max_batch_size: 0}", "0 is out of range; expected an integer from 1 to 65536"},
      {"batch text", "models:\n  a: {max_batch_size: many}", "expected an integer from 1 to 65536, got 'many'"},
      {"negative delay", "models:\n  a: {max_queue_delay_us: -1}", "out of range"},
      {"latest zero", "models:\n  a: {version_policy: {latest: 0}}", "models.a.version_policy.latest"},
      {"policy word", "models:\n  a: {version_policy: newest}", "expected 'all', {latest: N}"},
      {"two policies", "models:\n  a: {version_policy: {latest: 1, all: {}}}", "exactly one of"},
      {"specific empty", "models:\n  a: {version_policy: {specific: []}}", "non-empty list"},
      {"specific zero", "models:\n  a: {version_policy: {specific: [0]}}", "specific[0]"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    try {
      parse_repository_config(c.yaml, "models.yaml", {});
      ADD_FAILURE() << "accepted: " << c.yaml;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace maas::serve
