#include "plugins/residual.h"

#include <utility>

namespace plugins {
namespace {

class FunctionArrangement : public ResidualArrangement {
 public:
  FunctionArrangement(ResidualTraits traits, ConnectFunction connect, MakeStackFunction make_stack)
      : traits_(traits), connect_(std::move(connect)), make_stack_(std::move(make_stack)) {}

  ResidualTraits traits() const override { return traits_; }

  std::shared_ptr<ResidualStack> MakeStack(const ResidualSite& site) const override {
    return make_stack_ ? make_stack_(site) : nullptr;
  }

  std::shared_ptr<ResidualConnection> Connect(const ResidualSite& site) const override {
    return connect_(site);
  }

 private:
  ResidualTraits traits_;
  ConnectFunction connect_;
  MakeStackFunction make_stack_;
};

}  // namespace

std::unique_ptr<ResidualArrangement> MakeArrangement(ResidualTraits traits,
                                                     ConnectFunction connect,
                                                     MakeStackFunction make_stack) {
  return std::make_unique<FunctionArrangement>(traits, std::move(connect), std::move(make_stack));
}

ResidualRegistry& Residuals() {
  static auto* registry =
      new ResidualRegistry("residual",
                           "where each sublayer's LayerNorm sits and what scales its shortcut "
                           "(--encoder_residual, --decoder_residual)");
  return *registry;
}

absl::StatusOr<std::unique_ptr<ResidualArrangement>> CreateResidual(absl::string_view name,
                                                                    const OptionMap& options) {
  ASSIGN_OR_RETURN(const PluginInfo* info, Residuals().Find(name));
  OptionMap declared;
  for (const OptionSpec& spec : info->options) {
    if (const auto it = options.find(spec.name); it != options.end()) declared.insert(*it);
  }
  return Residuals().Create(name, declared);
}

// Creates the family at startup, so listings show it even when no arrangement is linked.
[[maybe_unused]] static const ResidualRegistry& family = Residuals();

}  // namespace plugins
