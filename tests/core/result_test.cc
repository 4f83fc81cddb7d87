#include "core/result.h"

#include <gtest/gtest.h>

#include <memory>

namespace arena {
namespace {

Result<int> half(int x) {
  if (x % 2) return make_error("odd", std::to_string(x) + " is odd");
  return x / 2;
}

TEST(Result, HoldsAValueOrAnError) {
  Result<int> ok = half(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 4);
  Result<int> bad = half(7);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "odd");
  EXPECT_EQ(bad.error().message, "7 is odd");
}

TEST(Result, MovesOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

TEST(Status, DefaultIsOk) {
  EXPECT_TRUE(Status().ok());
  Status s = make_error("x", "y");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "x");
}

}  // namespace
}  // namespace arena
