#include "core/train/training_log.h"

#include <glog/logging.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/train/run_directory.h"

namespace core {

TrainingLog::TrainingLog(TrainingLogOptions options, const RunDirectory* run)
    : options_(options), run_(run) {}

void TrainingLog::StartSession() {
  interval_start_ = Clock::now();
  interval_update_seconds_ = 0;
}

absl::Status TrainingLog::Record(const UpdateRecord& update, int64_t updates, int64_t epoch,
                                 double train_time) {
  interval_update_seconds_ += update.seconds;
  interval_.loss += update.loss_sum;
  interval_.nll += update.nll_sum;
  interval_.tokens += update.tokens;
  interval_.grad_norm += update.grad_norm;
  ++interval_.updates;
  if (options_.terminal && run_ != nullptr) DrawProgress(update, updates, train_time);
  if (run_ == nullptr || updates % options_.log_interval != 0) return absl::OkStatus();
  return WriteLine(update.lr, updates, epoch, train_time);
}

void TrainingLog::EndProgressLine() const {
  if (options_.terminal && run_ != nullptr) std::fprintf(stderr, "\n");
}

void TrainingLog::DrawProgress(const UpdateRecord& update, int64_t updates,
                               double train_time) const {
  const int64_t max_updates = options_.max_updates;
  const double eta = max_updates > 0 ? train_time / updates * (max_updates - updates) : 0;
  std::fprintf(stderr, "\rupdate %ld%s | loss %.3f | lr %.3g | gnorm %.3f | ETA %.0f s   ",
               static_cast<long>(updates),
               max_updates > 0 ? absl::StrCat("/", max_updates).c_str() : "", update.loss(),
               update.lr, update.grad_norm, eta);
}

absl::Status TrainingLog::WriteLine(double lr, int64_t updates, int64_t epoch, double train_time) {
  const double seconds = std::chrono::duration<double>(Clock::now() - interval_start_).count();
  const double mean_loss = interval_.loss / interval_.tokens;
  const double mean_nll = interval_.nll / interval_.tokens;
  const double grad_norm = interval_.grad_norm / interval_.updates;
  const double tokens_per_second = interval_.tokens / seconds;
  EndProgressLine();
  LOG(INFO) << absl::StrFormat(
      "train | epoch %d | update %d | loss %.4f | nll %.4f | ppl %.2f | lr %.4g | gnorm %.3f "
      "| %.0f tok/s",
      epoch, updates, mean_loss, mean_nll, std::exp(mean_nll), lr, grad_norm, tokens_per_second);
  const absl::Status written =
      run_->AppendMetrics(nlohmann::ordered_json{{"type", "train"},
                                                 {"update", updates},
                                                 {"epoch", epoch},
                                                 {"loss", mean_loss},
                                                 {"nll", mean_nll},
                                                 {"ppl", std::exp(mean_nll)},
                                                 {"lr", lr},
                                                 {"grad_norm", grad_norm},
                                                 {"tokens", interval_.tokens},
                                                 {"tokens_per_s", tokens_per_second},
                                                 {"update_seconds", interval_update_seconds_},
                                                 {"elapsed", train_time}});
  interval_ = LogInterval();
  StartSession();
  return written;
}

}  // namespace core
