// Every initializer plugin: standard deviations against the formulas, Admin's recursion
// against the variances observed in the test, the profile file, the closed forms.
#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "core/model/attention.h"
#include "core/model/feed_forward.h"
#include "core/model/transformer.h"
#include "initializers/admin_profile.h"
#include "initializers/residual_scales.h"
#include "plugins/initializer.h"
#include "plugins/residual_connection.h"

namespace plugins {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kDim = 64;
constexpr int64_t kFfn = 128;
constexpr int64_t kVocab = 400;

core::ModelOptions Options(int64_t encoder_layers, int64_t decoder_layers,
                           const std::string& mode) {
  core::ModelOptions options;
  options.source_vocab_size = options.target_vocab_size = kVocab;
  options.embed_dim = kDim;
  options.ffn_dim = kFfn;
  options.attention_heads = 4;
  options.encoder_layers = encoder_layers;
  options.decoder_layers = decoder_layers;
  options.encoder_residual = options.decoder_residual = mode;
  return options;
}

std::unique_ptr<Initializer> Make(const std::string& name, const OptionMap& options = {}) {
  auto initializer = Initializers().Create(name, options);
  EXPECT_TRUE(initializer.ok()) << initializer.status();
  return *std::move(initializer);
}

core::Transformer Initialized(const std::string& name, const core::ModelOptions& options,
                              const InitContext& context = {}) {
  at::manual_seed(1);
  core::Transformer model(options);
  auto initializer = Make(name);
  EXPECT_TRUE(initializer->CheckModelOptions(options).ok());
  const absl::Status status = initializer->Initialize(*model, context);
  EXPECT_TRUE(status.ok()) << status;
  return model;
}

double Std(const at::Tensor& t) { return t.std().item<double>(); }

// Sampling error of a std estimate over n values is about std/sqrt(2n); 6% covers
// every matrix here (n >= 4096) at well over 4 sigma.
void ExpectStd(const at::Tensor& t, double expected, const std::string& what) {
  EXPECT_NEAR(Std(t), expected, 0.06 * expected) << what;
}

TEST(DefaultInitializerTest, StandardDeviationsFollowFairseq) {
  for (int64_t depth : {1, 3}) {
    core::Transformer model = Initialized("default", Options(depth, depth, "post"));
    for (const core::Sublayer& s : model->Sublayers()) {
      if (s.attention != nullptr) {
        // Xavier uniform, gain g on d×d: std = g / sqrt(d); q/k/v have g = 1/√2.
        ExpectStd(s.attention->v_proj->weight, 1 / std::sqrt(2.0 * kDim), s.name + " v");
        ExpectStd(s.attention->q_proj->weight, 1 / std::sqrt(2.0 * kDim), s.name + " q");
        ExpectStd(s.attention->out_proj->weight, 1 / std::sqrt(double(kDim)), s.name + " out");
        EXPECT_EQ(s.attention->v_proj->bias.abs().sum().item<double>(), 0);
      }
      if (s.feed_forward != nullptr) {
        ExpectStd(s.feed_forward->fc1->weight, std::sqrt(2.0 / (kDim + kFfn)), s.name + " fc1");
        EXPECT_EQ(s.feed_forward->fc2->bias.abs().sum().item<double>(), 0);
      }
      EXPECT_TRUE(at::equal(s.residual->layer_norm->weight, at::ones({kDim})));
    }
    const at::Tensor embedding = model->encoder->embed_tokens->weight;
    ExpectStd(embedding.narrow(0, 1, kVocab - 1), std::pow(kDim, -0.5), "embedding");
    EXPECT_EQ(embedding[0].abs().sum().item<double>(), 0) << "padding row";
  }
}

TEST(DefaultInitializerTest, ResetsAdminOmegaToOne) {
  core::Transformer model = Initialized("default", Options(2, 2, "admin"));
  for (const core::Sublayer& s : model->Sublayers()) {
    EXPECT_TRUE(at::equal(s.residual->shortcut_scale(), at::ones({kDim})));
  }
}

TEST(TFixupInitializerTest, ScalesByDepthAsTheReferenceCode) {
  for (const auto& [n, m] : {std::pair<int64_t, int64_t>{2, 3}, {6, 6}}) {
    core::Transformer model = Initialized("tfixup", Options(n, m, "none"));
    const double encoder_scale = 0.67 * std::pow(n, -0.25);
    const double decoder_scale = std::pow(9.0 * m, -0.25);
    for (const core::Sublayer& s : model->Sublayers()) {
      const double scale = s.stack == core::Stack::kEncoder ? encoder_scale : decoder_scale;
      if (s.attention != nullptr) {
        ExpectStd(s.attention->v_proj->weight, scale / std::sqrt(double(kDim)), s.name + " v");
        ExpectStd(s.attention->out_proj->weight, scale / std::sqrt(double(kDim)), s.name + " out");
        ExpectStd(s.attention->q_proj->weight, 1 / std::sqrt(2.0 * kDim), s.name + " q untouched");
      } else {
        ExpectStd(s.feed_forward->fc2->weight, scale * std::sqrt(2.0 / (kDim + kFfn)),
                  s.name + " fc2");
      }
    }
    ExpectStd(model->encoder->embed_tokens->weight.narrow(0, 1, kVocab - 1),
              std::pow(kDim, -0.5) * std::pow(9.0 * n, -0.25), "embedding");
  }
}

TEST(TFixupInitializerTest, RejectsLayerNormResiduals) {
  const absl::Status status = Make("tfixup")->CheckModelOptions(Options(2, 2, "pre"));
  EXPECT_THAT(status.message(),
              HasSubstr("needs arrangements without LayerNorm in both stacks, e.g. "
                        "--encoder_residual=none --decoder_residual=none (got pre/pre)"));
}

// Records, per sublayer, Var[ω_i·x] and Var[f_i] as a second forward pass sees them.
class VarianceRecorder : public core::SublayerObserver {
 public:
  void OnBranch(const core::SublayerEvent& e) override {
    const double omega = e.sublayer.residual->shortcut_scale()[0].item<double>();
    records.push_back({e.sublayer.stack, omega,
                       (e.shortcut * omega).to(at::kDouble).var(false).item<double>(),
                       e.branch.to(at::kDouble).var(false).item<double>()});
  }
  struct Record {
    core::Stack stack;
    double omega;
    double shortcut_variance;
    double branch_variance;
  };
  std::vector<Record> records;
};

// The same batch and the same dropout masks on every call.
InitContext SampleBatchContext(core::Transformer& model, const std::string& dir = "") {
  InitContext context;
  context.output_dir = dir;
  context.forward_sample_batch = [&model](core::SublayerObserver* observer) {
    at::manual_seed(5);
    at::Tensor source = at::randint(1, kVocab, {4, 9}, at::kLong);
    source[2].narrow(0, 5, 4).fill_(0);
    at::Tensor target = at::randint(1, kVocab, {4, 7}, at::kLong);
    target[1].narrow(0, 2, 5).fill_(0);
    at::NoGradGuard no_grad;
    model->train();
    model->forward(source, target, observer);
    return absl::OkStatus();
  };
  return context;
}

TEST(AdminInitializerTest, RecursionMatchesObservedVariances) {
  at::manual_seed(1);
  core::Transformer model(Options(3, 2, "admin"));
  InitContext context = SampleBatchContext(model);
  ASSERT_TRUE(Make("admin")->Initialize(*model, context).ok());
  VarianceRecorder recorder;
  ASSERT_TRUE(context.forward_sample_batch(&recorder).ok());
  ASSERT_EQ(recorder.records.size(), 2u * 3 + 3u * 2);
  for (size_t i = 0; i < recorder.records.size(); ++i) {
    const auto& record = recorder.records[i];
    const bool chain_start = i == 0 || recorder.records[i - 1].stack != record.stack;
    if (chain_start) {
      EXPECT_DOUBLE_EQ(record.omega, 1.0) << i;
      continue;
    }
    const auto& previous = recorder.records[i - 1];
    EXPECT_NEAR(record.omega, std::sqrt(previous.shortcut_variance + previous.branch_variance),
                1e-4)
        << "sublayer " << i;
  }
  // ω grows along each chain, as in every reference profile.
  EXPECT_GT(recorder.records[5].omega, recorder.records[1].omega);
  EXPECT_GT(recorder.records[11].omega, recorder.records[7].omega);
}

TEST(AdminInitializerTest, VarianceOverRealPositionsDiffersWithPadding) {
  auto profile_of = [](const std::string& variance) {
    at::manual_seed(1);
    core::Transformer model(Options(2, 2, "admin"));
    InitContext context = SampleBatchContext(model);
    EXPECT_TRUE(Make("admin", {{"admin_variance", variance}})->Initialize(*model, context).ok());
    return model->Sublayers()[7].residual->shortcut_scale()[0].item<double>();
  };
  EXPECT_NE(profile_of("all"), profile_of("real"));
}

TEST(AdminInitializerTest, WritesTheProfileAndLoadsIt) {
  const std::string dir = testing::TempDir();
  at::manual_seed(1);
  core::Transformer profiled(Options(2, 1, "admin"));
  ASSERT_TRUE(Make("admin")->Initialize(*profiled, SampleBatchContext(profiled, dir)).ok());
  const std::string path = dir + "/profile.ratio.init";
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u + 3u);
  EXPECT_EQ(lines[0], "1 1");
  EXPECT_EQ(lines[4], "1 1");
  EXPECT_EQ(lines[6].substr(0, 2), "3 ");

  at::manual_seed(2);
  core::Transformer loaded(Options(2, 1, "admin"));
  ASSERT_TRUE(Make("admin", {{"admin_profile", path}})->Initialize(*loaded, {}).ok());
  const auto a = profiled->Sublayers();
  const auto b = loaded->Sublayers();
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(at::equal(a[i].residual->shortcut_scale(), b[i].residual->shortcut_scale())) << i;
  }
}

TEST(AdminInitializerTest, WithoutDataOrWithWrongModeItExplains) {
  at::manual_seed(1);
  core::Transformer model(Options(1, 1, "admin"));
  EXPECT_THAT(Make("admin")->Initialize(*model, {}).message(), HasSubstr("--admin_profile=FILE"));
  EXPECT_THAT(Make("admin")->CheckModelOptions(Options(1, 1, "post")).message(),
              HasSubstr("needs a shortcut scale in both stacks, trainable or constant, e.g. "
                        "--encoder_residual=admin --decoder_residual=admin (got post/post)"));
  EXPECT_FALSE(Initializers().Create("admin", {{"admin_variance", "most"}}).ok());
}

TEST(AdminProfileTest, FileRoundTripAndErrorsWithLineNumbers) {
  const std::string path = testing::TempDir() + "/round_trip.ratio.init";
  const AdminProfile profile = {{1.0, 1.319, 1.455, 1.5123}, {1.0, 1.3426, 1.4801}};
  ASSERT_TRUE(WriteAdminProfile(path, profile).ok());
  absl::StatusOr<AdminProfile> read = ReadAdminProfile(path, 4, 3);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->encoder, profile.encoder);
  EXPECT_EQ(read->decoder, profile.decoder);
  EXPECT_THAT(ReadAdminProfile(path, 2, 6).status().message(),
              HasSubstr(":3: expected index 1 of the decoder, got 3"));
  EXPECT_THAT(ReadAdminProfile(path, 4, 2).status().message(), HasSubstr(":7: more lines"));
  EXPECT_THAT(ReadAdminProfile(path, 4, 4).status().message(), HasSubstr("has 7 lines"));
  std::ofstream(path) << "1 1.0\n2 abc\n";
  EXPECT_THAT(ReadAdminProfile(path, 2, 0).status().message(),
              HasSubstr(":2: expected `<index> <omega>`, got '2 abc'"));
  EXPECT_EQ(ReadAdminProfile("/nonexistent/profile", 1, 1).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(AdminClosedFormTest, ValuesOfAdminTorch) {
  EXPECT_NEAR(*ClosedFormOmega(12, OutputChangeScale::kLogN), 2.017, 5e-4);
  EXPECT_NEAR(*ClosedFormOmega(200, OutputChangeScale::kLogN), 6.075, 5e-4);
  EXPECT_NEAR(*ClosedFormOmega(1, OutputChangeScale::kLogN), 1.373, 5e-4);
  EXPECT_DOUBLE_EQ(*ClosedFormOmega(12, OutputChangeScale::kN), 1.0);
  EXPECT_DOUBLE_EQ(*ClosedFormOmega(16, OutputChangeScale::kOne), 4.0);
  EXPECT_THAT(ClosedFormOmega(0, OutputChangeScale::kLogN).status().message(),
              HasSubstr("at least one residual sublayer, got 0"));
}

TEST(AdminClosedFormTest, FillsEachStackFromItsDepth) {
  core::Transformer model = Initialized("admin_closed_form", Options(6, 2, "admin"));
  for (const core::Sublayer& s : model->Sublayers()) {
    const double expected = s.stack == core::Stack::kEncoder
                                ? *ClosedFormOmega(12, OutputChangeScale::kLogN)
                                : *ClosedFormOmega(6, OutputChangeScale::kLogN);
    EXPECT_NEAR(s.residual->shortcut_scale()[0].item<double>(), expected, 1e-6) << s.name;
    EXPECT_TRUE(s.residual->shortcut_scale().requires_grad());
  }
  EXPECT_FALSE(Initializers().Create("admin_closed_form", {{"output_change_scale", "log"}}).ok());
}

TEST(AdminClosedFormTest, FillsAScalarOrConstantOmegaToo) {
  for (const std::string omega : {"scalar", "constant"}) {
    core::ModelOptions options = Options(3, 2, "admin");
    options.residual_options = {{"admin_omega", omega}};
    core::Transformer model = Initialized("admin_closed_form", options);
    for (const core::Sublayer& s : model->Sublayers()) {
      EXPECT_EQ(s.residual->shortcut_scale().numel(), 1) << s.name;
      EXPECT_EQ(s.residual->shortcut_scale_trainable(), omega == "scalar") << s.name;
      EXPECT_NEAR(s.residual->shortcut_scale().item<double>(),
                  *ClosedFormOmega(s.stack == core::Stack::kEncoder ? 2 * 3 : 3 * 2,
                                   OutputChangeScale::kLogN),
                  1e-6);
    }
  }
}

// Why admin-torch's values: with one ω for N sublayers and unit-variance branches,
// Σ_i β_ii² ≈ N/(ω² + 1) (docs/formulas.md §3.5), which each choice makes grow as named.
TEST(AdminClosedFormTest, EachChoiceGivesItsGrowthOfTheOutputChange) {
  const auto growth = [](int64_t n, OutputChangeScale scale) {
    const double omega = *ClosedFormOmega(n, scale);
    return n / (omega * omega + 1);
  };
  for (const int64_t n : {6, 12, 36, 200, 1000}) {
    SCOPED_TRACE(n);
    EXPECT_NEAR(growth(n, OutputChangeScale::kLogN), n * std::log(n + 1.0) / (n + 1), 1e-9);
    EXPECT_NEAR(growth(n, OutputChangeScale::kOne), n / (n + 1.0), 1e-12);
    EXPECT_NEAR(growth(n, OutputChangeScale::kN), n / 2.0, 1e-12);
  }
}

TEST(AdminInitializerTest, ProfilesAConstantOmegaAsTheTrainableOne) {
  std::vector<std::vector<double>> profiles;
  for (const std::string omega : {"vector", "scalar", "constant"}) {
    SCOPED_TRACE(omega);
    core::ModelOptions options = Options(2, 2, "admin");
    options.residual_options = {{"admin_omega", omega}};
    at::manual_seed(1);
    core::Transformer model(options);
    ASSERT_TRUE(Make("admin")->CheckModelOptions(options).ok());
    ASSERT_TRUE(Make("admin")->Initialize(*model, SampleBatchContext(model)).ok());
    std::vector<double> profile;
    for (const core::Sublayer& s : model->Sublayers()) {
      EXPECT_EQ(s.residual->shortcut_scale_trainable(), omega != "constant");
      profile.push_back(s.residual->shortcut_scale()[0].item<double>());
    }
    profiles.push_back(profile);
  }
  EXPECT_DOUBLE_EQ(profiles[0][0], 1.0);
  EXPECT_GT(profiles[0][1], 1.0);
  for (size_t i = 0; i < profiles[0].size(); ++i) {
    EXPECT_NEAR(profiles[1][i], profiles[0][i], 1e-5);
    EXPECT_NEAR(profiles[2][i], profiles[0][i], 1e-5);
  }
}

TEST(DeepNormInitializerTest, ThePaperEncoderDecoderConstantsFor6And18Layers) {
  // DeepNet's encoder-decoder row: encoder α = 0.81·(N⁴M)^1/16, β = 0.87·(N⁴M)^-1/16; decoder
  // α = (3M)^1/4, β = (12M)^-1/4; not the encoder-only (2N)^1/4, (8N)^-1/4.
  const DeepNormConstants six = EncoderDecoderDeepNorm(6, 6);
  EXPECT_NEAR(six.encoder_alpha, 1.418, 5e-4);
  EXPECT_NEAR(six.encoder_beta, 0.497, 5e-4);
  EXPECT_NEAR(six.decoder_alpha, 2.060, 5e-4);
  EXPECT_NEAR(six.decoder_beta, 0.343, 5e-4);
  EXPECT_GT(std::abs(six.encoder_alpha - std::pow(2.0 * 6, 0.25)), 0.3);
  const DeepNormConstants deep = EncoderDecoderDeepNorm(18, 18);
  EXPECT_NEAR(deep.encoder_alpha, 0.81 * std::pow(18.0, 5.0 / 16), 1e-12);
  EXPECT_NEAR(deep.encoder_beta, 0.87 * std::pow(18.0, -5.0 / 16), 1e-12);
  EXPECT_NEAR(deep.decoder_alpha, std::pow(54.0, 0.25), 1e-12);
  EXPECT_NEAR(deep.decoder_beta, std::pow(216.0, -0.25), 1e-12);
}

TEST(DeepNormInitializerTest, AlphaOnTheShortcutBetaOnValueOutputAndFeedForwardOnly) {
  core::Transformer model = Initialized("deepnorm", Options(2, 2, "scaled"));
  const DeepNormConstants c = EncoderDecoderDeepNorm(2, 2);
  at::manual_seed(9);
  const at::Tensor x = at::randn({3, kDim});
  const at::Tensor f = at::randn({3, kDim});
  const auto normalize = [](const at::Tensor& t) {
    return (t - t.mean(-1, true)) / (t.var(-1, false, true) + 1e-5).sqrt();
  };
  for (const core::Sublayer& s : model->Sublayers()) {
    const bool encoder = s.stack == core::Stack::kEncoder;
    const double alpha = encoder ? c.encoder_alpha : c.decoder_alpha;
    const double beta = encoder ? c.encoder_beta : c.decoder_beta;
    at::NoGradGuard no_grad;
    EXPECT_TRUE(at::allclose(s.residual->Combine(x, f), normalize(alpha * x + f), 1e-4, 1e-5))
        << s.name << ": LN(alpha*x + f), alpha on the shortcut";
    EXPECT_FALSE(at::allclose(s.residual->Combine(x, f), normalize(x + alpha * f), 1e-2, 1e-2))
        << s.name;
    if (s.attention != nullptr) {
      ExpectStd(s.attention->q_proj->weight, 1 / std::sqrt(double(kDim)), s.name + " q");
      ExpectStd(s.attention->k_proj->weight, 1 / std::sqrt(double(kDim)), s.name + " k");
      ExpectStd(s.attention->v_proj->weight, beta / std::sqrt(double(kDim)), s.name + " v");
      ExpectStd(s.attention->out_proj->weight, beta / std::sqrt(double(kDim)), s.name + " out");
      EXPECT_EQ(s.attention->out_proj->bias.abs().sum().item<double>(), 0);
    } else {
      for (const at::Tensor& w : {s.feed_forward->fc1->weight, s.feed_forward->fc2->weight}) {
        ExpectStd(w, beta * std::sqrt(2.0 / (kDim + kFfn)), s.name + " ffn");
      }
    }
  }
  ExpectStd(model->encoder->embed_tokens->weight.narrow(0, 1, kVocab - 1), std::pow(kDim, -0.5),
            "embedding as fairseq");
  // Any arrangement with a constant shortcut scale fits, e.g. Admin's constant ω; a trainable
  // one does not.
  core::ModelOptions constant_admin = Options(2, 2, "admin");
  constant_admin.residual_options = {{"admin_omega", "constant"}};
  EXPECT_TRUE(Make("deepnorm")->CheckModelOptions(constant_admin).ok());
  EXPECT_THAT(Make("deepnorm")->CheckModelOptions(Options(2, 2, "admin")).message(),
              HasSubstr("needs a constant shortcut scale in both stacks"));
}

TEST(DeepNormInitializerTest, AlphaAndBetaFromTheDepths) {
  for (const auto& [n, m] : {std::pair<int64_t, int64_t>{2, 2}, {6, 3}}) {
    core::Transformer model = Initialized("deepnorm", Options(n, m, "scaled"));
    const DeepNormConstants c = EncoderDecoderDeepNorm(n, m);
    EXPECT_NEAR(c.decoder_alpha, std::pow(3.0 * m, 0.25), 1e-12);
    for (const core::Sublayer& s : model->Sublayers()) {
      const bool encoder = s.stack == core::Stack::kEncoder;
      EXPECT_NEAR(s.residual->shortcut_scale().item<double>(),
                  encoder ? c.encoder_alpha : c.decoder_alpha, 1e-6);
      const double beta = encoder ? c.encoder_beta : c.decoder_beta;
      if (s.attention != nullptr) {
        // Xavier normal on d×d with gain g: std = g / sqrt(d).
        ExpectStd(s.attention->v_proj->weight, beta / std::sqrt(double(kDim)), s.name + " v");
        ExpectStd(s.attention->k_proj->weight, 1 / std::sqrt(double(kDim)), s.name + " k");
      } else {
        ExpectStd(s.feed_forward->fc1->weight, beta * std::sqrt(2.0 / (kDim + kFfn)),
                  s.name + " fc1");
      }
    }
  }
  EXPECT_NEAR(EncoderDecoderDeepNorm(6, 6).encoder_alpha,
              0.81 * std::pow(6.0 * 6 * 6 * 6 * 6, 1.0 / 16), 1e-12);
}

TEST(LookLinearInitializerTest, EveryFeedForwardStartsLinear) {
  core::Transformer model = Initialized("looklinear", Options(2, 1, "post"));
  model->eval();  // no activation dropout
  at::manual_seed(3);
  const at::Tensor x = at::randn({5, kDim});
  for (const core::Sublayer& s : model->Sublayers()) {
    if (s.feed_forward == nullptr) continue;
    // fc2(relu(fc1 x)) equals the linear map fc2[:, :h/2] · fc1[:h/2] · x.
    const at::Tensor fc1 = s.feed_forward->fc1->weight.narrow(0, 0, kFfn / 2);
    const at::Tensor fc2 = s.feed_forward->fc2->weight.narrow(1, 0, kFfn / 2);
    EXPECT_TRUE(at::allclose(s.feed_forward->forward(x), at::matmul(x, at::matmul(fc2, fc1).t()),
                             1e-4, 1e-5))
        << s.name;
  }
  EXPECT_FALSE(Make("looklinear")
                   ->CheckModelOptions([] {
                     core::ModelOptions odd = Options(1, 1, "post");
                     odd.ffn_dim = 63;
                     return odd;
                   }())
                   .ok());
}

}  // namespace
}  // namespace plugins
