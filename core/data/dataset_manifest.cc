#include "core/data/dataset_manifest.h"

#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/util/json_io.h"
#include "core/util/status_macros.h"

namespace core {

std::string DatasetManifest::ToJson() const {
  nlohmann::ordered_json settings_json = nlohmann::ordered_json::object();
  for (const auto& [name, value] : settings) settings_json[name] = value;
  nlohmann::ordered_json counts_json = nlohmann::ordered_json::object();
  for (const auto& [name, value] : counts) counts_json[name] = value;
  nlohmann::ordered_json files_json = nlohmann::ordered_json::object();
  for (const ManifestFile& file : files) {
    files_json[file.name] = {{"bytes", file.bytes}, {"sha256", file.sha256}};
  }
  nlohmann::ordered_json json;
  json["format"] = kDatasetFormat;
  json["settings"] = std::move(settings_json);
  json["counts"] = std::move(counts_json);
  json["files"] = std::move(files_json);
  return DumpJson(json, 2) + "\n";
}

absl::StatusOr<DatasetSettings> ReadManifestSettings(const std::string& path) {
  ASSIGN_OR_RETURN(nlohmann::ordered_json json, ReadJsonFile(path));
  if (JsonString(json, "format") != kDatasetFormat) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": not a manifest of format ", kDatasetFormat));
  }
  const auto settings_json = json.find("settings");
  if (settings_json == json.end() || !settings_json->is_object()) {
    return absl::FailedPreconditionError(absl::StrCat(path, ": no settings object"));
  }
  DatasetSettings settings;
  for (const auto& [name, value] : settings_json->items()) {
    if (!value.is_string()) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": setting '", name, "' is not a string"));
    }
    settings.emplace_back(name, value.get<std::string>());
  }
  return settings;
}

std::string DescribeSettingsDifference(const DatasetSettings& wanted,
                                       const DatasetSettings& existing) {
  const std::map<std::string, std::string> old_values(existing.begin(), existing.end());
  const std::map<std::string, std::string> new_values(wanted.begin(), wanted.end());
  std::vector<std::string> differences;
  for (const auto& [name, value] : wanted) {
    const auto found = old_values.find(name);
    if (found == old_values.end()) {
      differences.push_back(absl::StrCat(name, ": ", value, " (existing: unset)"));
    } else if (found->second != value) {
      differences.push_back(absl::StrCat(name, ": ", value, " (existing: ", found->second, ")"));
    }
  }
  for (const auto& [name, value] : existing) {
    if (new_values.count(name) == 0) {
      differences.push_back(absl::StrCat(name, ": unset (existing: ", value, ")"));
    }
  }
  if (differences.size() > 4) {
    const size_t more = differences.size() - 4;
    differences.resize(4);
    differences.push_back(absl::StrCat("and ", more, " more"));
  }
  return absl::StrJoin(differences, "; ");
}

}  // namespace core
