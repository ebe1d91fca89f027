// The version that BLEU and chrF signatures carry (sacreBLEU puts its own version there).
//
//   "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:admin_trainer-1"
#ifndef CORE_METRICS_METRICS_VERSION_H_
#define CORE_METRICS_METRICS_VERSION_H_

namespace core {

// Bump it whenever a change could alter a score.
inline constexpr char kMetricsVersion[] = "admin_trainer-1";

}  // namespace core

#endif  // CORE_METRICS_METRICS_VERSION_H_
