// The registry on its own, with a toy family (no plugins linked).
#include "plugins/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plugins {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Greeter {
  virtual ~Greeter() = default;
  virtual std::string Greet() const = 0;
};

struct FixedGreeter : Greeter {
  explicit FixedGreeter(std::string text) : text(std::move(text)) {}
  std::string Greet() const override { return text; }
  std::string text;
};

using GreeterRegistry = Registry<Greeter, const std::string&>;

// A factory that uses both its options and the family argument.
std::unique_ptr<Greeter> MakeHello(const OptionValues& options, const std::string& who) {
  return std::make_unique<FixedGreeter>(options.GetString("greeting") + ", " + who);
}

class RegistryTest : public ::testing::Test {
 protected:
  RegistryTest() : registry_("optimizer", "toy family") {
    for (const char* name : {"sgd", "adam", "radam"}) {
      EXPECT_TRUE(registry_
                      .Add({name,
                            std::string("the ") + name,
                            {OptionSpec::String("greeting", "hello", "")},
                            std::string("test.cc:") + name},
                           MakeHello)
                      .ok());
    }
  }
  GreeterRegistry registry_;
};

TEST_F(RegistryTest, ListsPluginsSortedByName) {
  EXPECT_THAT(registry_.Names(), ElementsAre("adam", "radam", "sgd"));
  ASSERT_EQ(registry_.Plugins().size(), 3u);
  EXPECT_EQ(registry_.Plugins()[1]->help, "the radam");
}

TEST_F(RegistryTest, CreatesByNameWithOptionsAndArguments) {
  absl::StatusOr<std::unique_ptr<Greeter>> greeter =
      registry_.Create("radam", {{"greeting", "hi"}}, "world");
  ASSERT_TRUE(greeter.ok()) << greeter.status();
  EXPECT_EQ((*greeter)->Greet(), "hi, world");
  EXPECT_EQ((*registry_.Create("sgd", {}, "you"))->Greet(), "hello, you");
}

TEST_F(RegistryTest, UnknownNameSuggestsClosestAndListsKnown) {
  absl::StatusOr<std::unique_ptr<Greeter>> greeter = registry_.Create("radm", {}, "x");
  ASSERT_FALSE(greeter.ok());
  EXPECT_EQ(greeter.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(greeter.status().message(),
            "unknown optimizer 'radm'; did you mean 'radam'? known: adam, radam, sgd");
}

TEST_F(RegistryTest, UnknownNameWithoutPlausibleMatchOnlyListsKnown) {
  EXPECT_EQ(registry_.Find("lbfgs").status().message(),
            "unknown optimizer 'lbfgs' known: adam, radam, sgd");
}

TEST_F(RegistryTest, BadOptionIsReportedBeforeTheFactoryRuns) {
  absl::StatusOr<std::unique_ptr<Greeter>> greeter =
      registry_.Create("adam", {{"greting", "hi"}}, "x");
  ASSERT_FALSE(greeter.ok());
  EXPECT_THAT(greeter.status().message(),
              HasSubstr("optimizer 'adam': unknown option 'greting'; did you mean 'greeting'?"));
}

TEST_F(RegistryTest, DuplicateNameNamesBothRegistrations) {
  absl::Status status = registry_.Add({"adam", "again", {}, "other.cc:7"}, MakeHello);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(status.message(),
            "duplicate optimizer 'adam': registered at test.cc:adam and at other.cc:7");
}

TEST_F(RegistryTest, FactoryErrorsReachTheCaller) {
  GreeterRegistry registry("greeter", "toy");
  ASSERT_TRUE(registry
                  .Add({"picky", "", {}, "here"},
                       [](const OptionValues&,
                          const std::string& who) -> absl::StatusOr<std::unique_ptr<Greeter>> {
                         return absl::InvalidArgumentError("greeter 'picky': no " + who);
                       })
                  .ok());
  EXPECT_EQ(registry.Create("picky", {}, "strangers").status().message(),
            "greeter 'picky': no strangers");
}

TEST_F(RegistryTest, EveryLiveRegistryIsListedAndRemovedWhenDestroyed) {
  auto count_family = [](const std::string& family) {
    int count = 0;
    for (const RegistryBase* registry : AllRegistries()) count += registry->family() == family;
    return count;
  };
  EXPECT_EQ(count_family("optimizer"), 1);
  {
    GreeterRegistry temporary("temporary_family", "toy");
    EXPECT_EQ(count_family("temporary_family"), 1);
  }
  EXPECT_EQ(count_family("temporary_family"), 0);
}

TEST(RegisterOrDieDeathTest, DuplicateRegistrationExitsNamingBothLocations) {
  static GreeterRegistry registry("greeter", "toy");
  RegisterOrDie(registry, {"hello", "", {}, "a.cc:1"}, MakeHello);
  EXPECT_EXIT(RegisterOrDie(registry, {"hello", "", {}, "b.cc:2"}, MakeHello),
              ::testing::ExitedWithCode(1),
              "fatal: duplicate greeter 'hello': registered at a.cc:1 and at b.cc:2");
}

}  // namespace
}  // namespace plugins
