#include "core/serve/api_keys.h"

#include <stdlib.h>

#include <fstream>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "tests/serve/serve_fixture.h"

namespace maas::serve {
namespace {

constexpr const char* kKey = "0123456789abcdef0123";

TEST(ApiKeys, AcceptsOnlyBearerWithKnownKey) {
  const ApiKeys keys({kKey, "fedcba9876543210fedc"});
  struct Case {
    std::string header;
    bool accepted;
  };
  const std::vector<Case> cases = {
      {std::string("Bearer ") + kKey, true},
      {"Bearer fedcba9876543210fedc", true},
      {std::string("bearer ") + kKey, false},
      {std::string("Basic ") + kKey, false},
      {std::string("Bearer ") + kKey + "x", false},
      {std::string("Bearer ") + std::string(kKey).substr(1), false},
      {"Bearer ", false},
      {"", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.header);
    EXPECT_EQ(keys.accepts(c.header), c.accepted);
  }
}

TEST(ApiKeys, LoadsFileAndEnvironment) {
  testing::ScratchDir dir;
  const auto file = dir.path() / "keys";
  std::ofstream(file) << "# team keys\n\n  " << kKey << "  \n";
  ::setenv("MAAS_TEST_KEYS", "aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbb", 1);
  const ApiKeys keys = ApiKeys::load(file, "MAAS_TEST_KEYS");
  ::unsetenv("MAAS_TEST_KEYS");
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_TRUE(keys.accepts(std::string("Bearer ") + kKey));
  EXPECT_TRUE(keys.accepts("Bearer bbbbbbbbbbbbbbbbbbbb"));
  EXPECT_FALSE(ApiKeys::load({}, "MAAS_TEST_KEYS_UNSET").enabled());
}

TEST(ApiKeys, RejectsShortEmptyAndMissingSources) {
  testing::ScratchDir dir;
  std::ofstream(dir.path() / "short") << "abc\n";
  std::ofstream(dir.path() / "empty") << "# nothing\n";
  EXPECT_THROW(ApiKeys::load(dir.path() / "short", nullptr), InvalidArgument);
  EXPECT_THROW(ApiKeys::load(dir.path() / "empty", nullptr), InvalidArgument);
  EXPECT_THROW(ApiKeys::load(dir.path() / "missing", nullptr), IoError);
  ::setenv("MAAS_TEST_KEYS", " , ", 1);
  EXPECT_THROW(ApiKeys::load({}, "MAAS_TEST_KEYS"), InvalidArgument);
  ::unsetenv("MAAS_TEST_KEYS");
}

}  // namespace
}  // namespace maas::serve
