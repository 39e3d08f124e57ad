#pragma once
// A test fixture with a fresh folder under /tmp, removed after each test.

#include <stdlib.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace maas::io {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/maas-io-XXXXXX";
    ASSERT_NE(::mkdtemp(name), nullptr);
    root_ = name;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::filesystem::path root_;
};

}  // namespace maas::io
