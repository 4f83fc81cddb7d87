#include "core/proportion.h"

#include <gtest/gtest.h>

namespace arena {
namespace {

// Reference values of Wilson's 95% score interval (z = 1.96), as tables of it give them.
TEST(Proportion, WilsonIntervalMatchesReferenceValues) {
  Proportion half = wilson_interval(5, 10);
  EXPECT_DOUBLE_EQ(half.rate, 0.5);
  EXPECT_NEAR(half.low, 0.2366, 1e-4);
  EXPECT_NEAR(half.high, 0.7634, 1e-4);
  Proportion none = wilson_interval(0, 10);
  EXPECT_DOUBLE_EQ(none.low, 0.0);
  EXPECT_NEAR(none.high, 0.2775, 1e-4);
  Proportion all = wilson_interval(10, 10);
  EXPECT_NEAR(all.low, 0.7225, 1e-4);
  EXPECT_DOUBLE_EQ(all.high, 1.0);
  Proportion many = wilson_interval(81, 100);
  EXPECT_NEAR(many.low, 0.7222, 1e-4);
  EXPECT_NEAR(many.high, 0.8749, 1e-4);
}

TEST(Proportion, NoTrialsSayNothing) {
  Proportion p = wilson_interval(0, 0);
  EXPECT_EQ(p.low, 0.0);
  EXPECT_EQ(p.high, 1.0);
}

}  // namespace
}  // namespace arena
