#include "agents/nn/bench.h"

#include <gtest/gtest.h>

namespace arena::nn {
namespace {

TEST(InferenceBench, MeasuresEveryBatchSize) {
  InferenceBenchConfig config;
  config.game = "go(size=5)";
  config.blocks = 1;
  config.channels = 8;
  config.device = "cpu";
  config.batch_sizes = {1, 16};
  config.seconds = 0.1;
  config.search_batch = 4;
  Result<std::vector<InferenceBenchRow>> rows = bench_inference(config);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  for (const InferenceBenchRow& row : *rows) {
    EXPECT_GT(row.raw_positions_per_s, 0);
    EXPECT_GT(row.service_positions_per_s, 0);
    EXPECT_NEAR(row.ratio, row.service_positions_per_s / row.raw_positions_per_s, 1e-9);
    EXPECT_GE(row.service_mean_batch, 1.0);
    EXPECT_LE(row.service_mean_batch, row.batch);
  }
  EXPECT_EQ((*rows)[0].batch, 1);
  EXPECT_DOUBLE_EQ((*rows)[0].service_mean_batch, 1.0);
  EXPECT_GT((*rows)[1].service_mean_batch, 1.0) << "8 feeding threads of 4 leaves fill batches of 16";
}

TEST(InferenceBench, BadConfigsAreErrors) {
  InferenceBenchConfig config;
  config.device = "cpu";
  config.batch_sizes = {};
  EXPECT_EQ(bench_inference(config).error().code, "bad_options");
  config.batch_sizes = {0};
  EXPECT_EQ(bench_inference(config).error().code, "bad_options");
  config.batch_sizes = {1};
  config.game = "no_such_game";
  EXPECT_EQ(bench_inference(config).error().code, "bad_spec");
}

}  // namespace
}  // namespace arena::nn
