// Every registered plugin, found by enumerating the registries (no hand-kept list), built with
// its default options and exercised on a tiny model: each initializer initialises a model it
// accepts into finite weights that give finite outputs, each optimizer takes steps that lower
// a loss and keep the weights finite, each schedule gives finite non-negative learning rates over a
// run long enough for its default warmup, each residual arrangement builds a model that keeps
// the promises of its traits and trains (finite outputs, a gradient for every parameter). A new
// plugin file is tested here without any edit.
#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/model/model_options.h"
#include "core/model/transformer.h"
#include "plugins/initializer.h"
#include "plugins/lr_schedule.h"
#include "plugins/optimizer.h"
#include "plugins/residual.h"
#include "plugins/residual_connection.h"

namespace plugins {
namespace {

core::ModelOptions TinyModel(const std::string& residual) {
  core::ModelOptions options;
  options.source_vocab_size = options.target_vocab_size = 50;
  options.embed_dim = 16;
  options.ffn_dim = 32;
  options.attention_heads = 2;
  options.encoder_layers = options.decoder_layers = 2;
  options.encoder_residual = options.decoder_residual = residual;
  return options;
}

// A batch of 3 sentences of 5 tokens (no padding), as source and as previous target tokens.
at::Tensor Tokens(int64_t seed) {
  at::manual_seed(seed);
  return at::randint(1, 50, {3, 5}, at::kLong);
}

bool AllFinite(const std::vector<at::Tensor>& tensors) {
  for (const at::Tensor& t : tensors) {
    if (!at::isfinite(t).all().item<bool>()) return false;
  }
  return true;
}

TEST(EveryPluginTest, RegistriesAreNotEmpty) {
  EXPECT_FALSE(Initializers().Names().empty());
  EXPECT_FALSE(Optimizers().Names().empty());
  EXPECT_FALSE(LrSchedules().Names().empty());
  EXPECT_FALSE(Residuals().Names().empty());
}

TEST(EveryPluginTest, EveryInitializerInitializesAModelItAccepts) {
  for (const std::string& name : Initializers().Names()) {
    SCOPED_TRACE("initializer " + name);
    auto initializer = Initializers().Create(name, {});
    ASSERT_TRUE(initializer.ok()) << initializer.status();
    int accepted = 0;
    for (const std::string& residual : Residuals().Names()) {
      const core::ModelOptions options = TinyModel(residual);
      if (!(*initializer)->CheckModelOptions(options).ok()) continue;
      ++accepted;
      SCOPED_TRACE("residual " + residual);
      at::manual_seed(1);
      core::Transformer model(options);
      const at::Tensor source = Tokens(2), previous = Tokens(3);
      InitContext context;
      context.forward_sample_batch = [&](core::SublayerObserver* observer) {
        at::NoGradGuard no_grad;
        model->train();
        model->forward(source, previous, observer);
        return absl::OkStatus();
      };
      const absl::Status status = (*initializer)->Initialize(*model, context);
      ASSERT_TRUE(status.ok()) << status;
      EXPECT_TRUE(AllFinite(model->parameters()));
      model->eval();
      at::NoGradGuard no_grad;
      EXPECT_TRUE(AllFinite({model->forward(source, previous)}));
    }
    EXPECT_GT(accepted, 0) << "accepts no residual arrangement";
  }
}

// Which arrangements the initializers with requirements accept (by traits, not names); every
// other initializer accepts every arrangement. A rejected pair is a configuration error that
// names the initializer and the arrangements.
TEST(EveryPluginTest, IncompatiblePairsAreConfigurationErrorsNamingBoth) {
  const std::map<std::string, std::set<std::string>> accepted = {
      {"admin", {"admin", "scaled"}},
      {"admin_closed_form", {"admin", "scaled"}},
      {"deepnorm", {"scaled"}},
      {"tfixup", {"none", "rezero", "skipinit"}},
      {"magneto", {"subln"}},
  };
  for (const std::string& name : Initializers().Names()) {
    auto initializer = Initializers().Create(name, {});
    ASSERT_TRUE(initializer.ok()) << initializer.status();
    const auto it = accepted.find(name);
    for (const std::string& residual : Residuals().Names()) {
      SCOPED_TRACE(name + " with " + residual);
      const absl::Status status = (*initializer)->CheckModelOptions(TinyModel(residual));
      const bool expected = it == accepted.end() || it->second.count(residual) > 0;
      EXPECT_EQ(status.ok(), expected) << status;
      if (status.ok()) continue;
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(std::string(status.message()),
                  ::testing::HasSubstr("initializer '" + name + "' needs"));
      EXPECT_THAT(std::string(status.message()),
                  ::testing::HasSubstr("(got " + residual + "/" + residual + ")"));
    }
  }
}

TEST(EveryPluginTest, EveryResidualArrangementKeepsItsTraitsAndTrains) {
  for (const std::string& name : Residuals().Names()) {
    SCOPED_TRACE("residual " + name);
    auto arrangement = Residuals().Create(name, {});
    ASSERT_TRUE(arrangement.ok()) << arrangement.status();
    const ResidualTraits traits = (*arrangement)->traits();
    at::manual_seed(1);
    core::Transformer model(TinyModel(name));
    EXPECT_EQ(static_cast<bool>(model->encoder->final_layer_norm), traits.final_layer_norm);
    EXPECT_EQ(static_cast<bool>(model->decoder->final_layer_norm), traits.final_layer_norm);
    for (const core::Sublayer& sublayer : model->Sublayers()) {
      SCOPED_TRACE(sublayer.name);
      const ResidualConnection& connection = *sublayer.residual;
      if (!traits.has_layer_norm) {
        EXPECT_FALSE(connection.layer_norm);
      }
      EXPECT_EQ(connection.shortcut_scale().defined(),
                traits.shortcut_scale != ResidualTraits::ShortcutScale::kNone);
      EXPECT_EQ(connection.shortcut_scale_trainable(),
                traits.shortcut_scale == ResidualTraits::ShortcutScale::kTrainable);
    }
    model->train();
    const at::Tensor logits = model->forward(Tokens(2), Tokens(3));
    EXPECT_TRUE(AllFinite({logits}));
    logits.pow(2).mean().backward();
    for (const auto& parameter : model->named_parameters()) {
      ASSERT_TRUE(parameter->grad().defined()) << parameter.key() << " gets no gradient";
      EXPECT_TRUE(AllFinite({parameter->grad()})) << parameter.key();
    }
  }
}

TEST(EveryPluginTest, EveryOptimizerLowersALoss) {
  for (const std::string& name : Optimizers().Names()) {
    SCOPED_TRACE("optimizer " + name);
    at::manual_seed(4);
    at::Tensor weight = at::randn({8}).set_requires_grad(true);
    const at::Tensor target = at::randn({8});
    auto optimizer = Optimizers().Create(name, {}, {{weight}, 1e-2});
    ASSERT_TRUE(optimizer.ok()) << optimizer.status();
    const auto loss = [&] { return (weight - target).pow(2).sum(); };
    const double before = loss().item<double>();
    for (int step = 0; step < 20; ++step) {
      (*optimizer)->zero_grad();
      loss().backward();
      (*optimizer)->step();
    }
    EXPECT_TRUE(AllFinite({weight}));
    EXPECT_LT(loss().item<double>(), before);
  }
}

TEST(EveryPluginTest, EveryScheduleGivesFiniteNonNegativeRates) {
  for (const std::string& name : LrSchedules().Names()) {
    SCOPED_TRACE("schedule " + name);
    constexpr int64_t kUpdates = 20000;  // past every default warmup (4,000 at most)
    auto schedule = LrSchedules().Create(name, {}, {1e-3, kUpdates});
    ASSERT_TRUE(schedule.ok()) << schedule.status();
    double largest = 0;
    for (int64_t update = 0; update < kUpdates; ++update) {
      const double lr = (*schedule)->LearningRate(update);
      ASSERT_TRUE(std::isfinite(lr) && lr >= 0) << "update " << update << ": " << lr;
      largest = std::max(largest, lr);
    }
    EXPECT_GT(largest, 0);
  }
}

}  // namespace
}  // namespace plugins
