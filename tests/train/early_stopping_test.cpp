// Early stopping: improvement rules per metric, min_delta and patience.

#include "core/train/early_stopping.h"

#include <gtest/gtest.h>

namespace maas::train {
namespace {

TEST(EarlyStopping, LossStopsAfterPatienceEpochsWithoutImprovement) {
  EarlyStopping stopping({"val_loss", 2, 0.0, true});
  EXPECT_TRUE(stopping.update(1, 0.50));
  EXPECT_TRUE(stopping.update(2, 0.40));
  EXPECT_FALSE(stopping.update(3, 0.45));
  EXPECT_FALSE(stopping.should_stop());
  EXPECT_FALSE(stopping.update(4, 0.40));  // equal is not better
  EXPECT_TRUE(stopping.should_stop());
  EXPECT_EQ(stopping.best_epoch(), 2);
  EXPECT_DOUBLE_EQ(*stopping.best_value(), 0.40);
}

TEST(EarlyStopping, AccuracyIsHigherBetterAndImprovementResetsCount) {
  EarlyStopping stopping({"val_accuracy", 2, 0.0, true});
  stopping.update(1, 0.80);
  EXPECT_FALSE(stopping.update(2, 0.70));
  EXPECT_TRUE(stopping.update(3, 0.85));
  EXPECT_EQ(stopping.epochs_without_improvement(), 0);
  EXPECT_FALSE(stopping.should_stop());
}

TEST(EarlyStopping, MinDeltaIgnoresSmallGains) {
  EarlyStopping stopping({"val_macro_f1", 1, 0.01, false});
  stopping.update(1, 0.50);
  EXPECT_FALSE(stopping.update(2, 0.505));
  EXPECT_TRUE(stopping.should_stop());
  EXPECT_EQ(stopping.best_epoch(), 1);
}

TEST(EarlyStopping, RestoreContinuesCounting) {
  EarlyStopping stopping({"val_loss", 3, 0.0, true});
  stopping.restore(0.3, 4, 2);
  EXPECT_FALSE(stopping.update(7, 0.31));
  EXPECT_TRUE(stopping.should_stop());
  EXPECT_EQ(stopping.best_epoch(), 4);
}

TEST(EarlyStopping, TargetMetricDirections) {
  for (const char* monitor : {"val_loss", "val_hamming_loss", "val_mse", "val_mae"}) {
    EXPECT_TRUE(lower_is_better(monitor)) << monitor;
  }
  for (const char* monitor : {"val_accuracy", "val_macro_f1", "val_micro_f1", "val_subset_accuracy", "val_r2"}) {
    EXPECT_FALSE(lower_is_better(monitor)) << monitor;
  }
  EarlyStopping r2({"val_r2", 1, 0.0, true});
  r2.update(1, 0.5);
  EXPECT_TRUE(r2.update(2, 0.6));
  EarlyStopping mae({"val_mae", 1, 0.0, true});
  mae.update(1, 0.5);
  EXPECT_FALSE(mae.update(2, 0.6));
  EXPECT_TRUE(mae.should_stop());
}

}  // namespace
}  // namespace maas::train
