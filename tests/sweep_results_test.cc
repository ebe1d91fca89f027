// Results of a sweep (tools/sweep/run_record.h, results_table.h, report_html.h): records
// read back from run directories, the per-cell files, the pivot table's aggregation and
// the HTML report.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "tools/sweep/axis_plot.h"
#include "tools/sweep/lr_sensitivity.h"
#include "tools/sweep/progress.h"
#include "tools/sweep/report_html.h"
#include "tools/sweep/results_table.h"
#include "tools/sweep/run_record.h"

namespace tools::sweep {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

RunRecord Record(const std::string& arch, const std::string& depth, const std::string& seed,
                 const std::string& state, double bleu) {
  RunRecord record;
  record.name = arch + depth + seed;
  record.axes = {{"arch", arch}, {"layers", depth}, {"seed", seed}};
  record.state = state;
  record.test_bleu = bleu;
  record.updates = 100;
  record.train_curve = {{1, 9.0}, {50, 6.0}, {100, 5.0}};
  record.valid_curve = {{100, 5.5}};
  return record;
}

std::vector<RunRecord> Matrix() {
  return {Record("postln", "6", "1", "done", 20.0),
          Record("postln", "6", "2", "done", 22.0),
          Record("postln", "18", "1", "diverged", kUnknown),
          Record("postln", "18", "2", "diverged", kUnknown),
          Record("admin", "6", "1", "done", 21.0),
          Record("admin", "6", "2", "pending", kUnknown),
          Record("admin", "18", "1", "done", 23.0),
          Record("admin", "18", "2", "diverged", kUnknown)};
}

TEST(PivotTableTest, AggregatesSeedsIntoMeanAndStandardDeviation) {
  absl::StatusOr<PivotTable> table = BuildPivotTable(Matrix(), PivotOptions{});
  ASSERT_TRUE(table.ok()) << table.status();
  // Defaults: columns = the last axis other than seed, rows = the rest but seed.
  EXPECT_THAT(table->row_axes, ElementsAre("arch"));
  EXPECT_THAT(table->column_axes, ElementsAre("layers"));
  EXPECT_THAT(table->row_labels, ElementsAre("postln", "admin"));
  EXPECT_THAT(table->column_labels, ElementsAre("6", "18"));
  // mean 21, sample standard deviation sqrt(2).
  EXPECT_EQ(table->cells[0][0], "21.00 ± 1.41 (n=2)");
  EXPECT_EQ(table->cells[0][1], "diverged");
  EXPECT_EQ(table->cells[1][0], "21.00 (n=1; 1/2 unfinished)");
  EXPECT_EQ(table->cells[1][1], "23.00 (n=1; 1/2 diverged)");
  const std::string markdown = FormatPivotMarkdown(*table);
  EXPECT_THAT(markdown, HasSubstr("| arch \\ layers | 6 | 18 |\n|---|---|---|\n"));
  EXPECT_THAT(markdown, HasSubstr("| postln | 21.00 ± 1.41 (n=2) | diverged |\n"));
}

TEST(PivotTableTest, TakesRowsColumnsAndValueByName) {
  PivotOptions options;
  options.rows = {"seed"};
  options.columns = {"arch", "layers"};
  options.value = "updates";
  absl::StatusOr<PivotTable> table = BuildPivotTable(Matrix(), options);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->column_labels,
              ElementsAre("postln / 6", "postln / 18", "admin / 6", "admin / 18"));
  EXPECT_EQ(table->cells[1][0], "100.00 (n=1)");
  EXPECT_EQ(table->cells[1][3], "diverged");
  EXPECT_EQ(table->cells[1][2], "pending");

  options.columns = {"depth"};
  EXPECT_THAT(BuildPivotTable(Matrix(), options).status().message(),
              HasSubstr("--columns: 'depth' is not an axis of the sweep"));
  options.columns = {};
  options.value = "test_bleuu";
  EXPECT_THAT(BuildPivotTable(Matrix(), options).status().message(),
              HasSubstr("--value: 'test_bleuu' is not a metric; did you mean 'test_bleu'?"));
}

TEST(ResultsFilesTest, OneRowPerCellWithEmptyOrNullForUnknownNumbers) {
  std::vector<RunRecord> records = Matrix();
  records[0].exit_reason = "loss is nan, at \"update\" 3";
  const std::vector<std::string> csv = absl::StrSplit(FormatResultsCsv(records), '\n');
  ASSERT_EQ(csv.size(), records.size() + 2);  // header, rows, trailing newline
  EXPECT_EQ(csv[0],
            "name,arch,layers,seed,state,exit_reason,updates,initial_loss,best_valid_loss,"
            "last_valid_loss,capped_final_loss,best_valid_ppl,last_valid_ppl,valid_bleu,test_bleu,"
            "wall_time,tokens_per_s");
  EXPECT_EQ(csv[1],
            "postln61,postln,6,1,done,\"loss is nan, at \"\"update\"\" 3\",100,,,,,,,,20,,");
  const std::vector<std::string> jsonl = absl::StrSplit(FormatResultsJsonl(records), '\n');
  EXPECT_THAT(jsonl[2], HasSubstr("\"state\":\"diverged\""));
  EXPECT_THAT(jsonl[2], HasSubstr("\"test_bleu\":null"));
}

TEST(RunRecordTest, ReadsCellStatusAndMetricsBackFromTheRunDirectory) {
  const std::string dir = ::testing::TempDir() + "/sweep/cell-a";
  std::filesystem::create_directories(dir);
  Cell cell;
  cell.index = 3;
  cell.name = "cell-a";
  cell.hash = "0123abcd";
  // Not in alphabetical order: read back in the file's order.
  cell.axes = {{"seed", "2"}, {"arch", "admin"}};
  cell.flags = {{"init", "admin"}, {"seed", "2"}};
  ASSERT_TRUE(WriteCellFile(dir, cell).ok());
  std::ofstream(dir + "/status.json")
      << R"({"state":"done","updates":40,"epoch":2,"best_valid_loss":4.5,"initial_loss":9.5,)"
      << R"("valid_bleu":3.25,)"
      << R"("test_bleu":null,"wall_time":12.5,"exit_reason":"max_updates"})"
      << "\n";
  std::ofstream(dir + "/metrics.jsonl")
      << R"({"type":"train","update":20,"epoch":1,"loss":6,"lr":0.002,"grad_norm":1.5,)"
      << R"("tokens_per_s":1000})"
      << "\n"
      << R"({"type":"valid","update":20,"epoch":1,"loss":5,"nll":4.6,"ppl":99.5})"
      << "\n"
      << R"({"type":"train","update":40,"epoch":2,"loss":5,"tokens_per_s":3000})"
      << "\n"
      << R"({"type":"valid","update":40,"epoch":2,"loss":4.5,"nll":4.2,"ppl":66.7})"
      << "\n"
      << R"({"type":"bleu","split":"valid","update":40,"bleu":3.25})"
      << "\n"
      << R"({"type":"valid","update":60,"epoch":2,"loss":4.6,"nll":4.38,"ppl":80})"
      << "\n";
  // Not a cell: ignored.
  std::filesystem::create_directories(::testing::TempDir() + "/sweep/other");

  absl::StatusOr<std::vector<RunRecord>> records =
      CollectRunRecords(::testing::TempDir() + "/sweep");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1);
  const RunRecord& record = records->front();
  EXPECT_EQ(record.name, "cell-a");
  EXPECT_EQ(record.index, 3);
  EXPECT_EQ(record.hash, "0123abcd");
  EXPECT_THAT(record.axes, ElementsAre(std::pair<std::string, std::string>{"seed", "2"},
                                       std::pair<std::string, std::string>{"arch", "admin"}));
  EXPECT_EQ(record.state, "done");
  EXPECT_EQ(record.updates, 40);
  EXPECT_DOUBLE_EQ(record.best_valid_loss, 4.5);
  EXPECT_DOUBLE_EQ(record.best_valid_ppl, 66.7);
  EXPECT_DOUBLE_EQ(record.last_valid_ppl, 80);
  EXPECT_DOUBLE_EQ(record.valid_bleu, 3.25);
  EXPECT_TRUE(std::isnan(record.test_bleu));
  EXPECT_DOUBLE_EQ(record.wall_time, 12.5);
  EXPECT_DOUBLE_EQ(record.tokens_per_s, 2000);
  ASSERT_EQ(record.train_curve.size(), 2);
  EXPECT_EQ(record.train_curve[1].update, 40);
  EXPECT_DOUBLE_EQ(record.train_curve[0].lr, 0.002);
  EXPECT_DOUBLE_EQ(record.train_curve[0].grad_norm, 1.5);
  EXPECT_TRUE(std::isnan(record.train_curve[1].lr));
  EXPECT_DOUBLE_EQ(record.valid_curve[0].loss, 5);
  EXPECT_DOUBLE_EQ(record.initial_loss, 9.5);
  EXPECT_DOUBLE_EQ(record.last_valid_loss, 4.6);
  EXPECT_DOUBLE_EQ(CappedFinalLoss(record), 4.6);
}

TEST(RunRecordTest, CappedFinalLossCountsDivergenceAsNoProgress) {
  RunRecord record;
  record.initial_loss = 9;
  record.last_valid_loss = 12;
  record.state = "done";
  EXPECT_DOUBLE_EQ(CappedFinalLoss(record), 9);  // ended above where it started
  record.last_valid_loss = 4;
  EXPECT_DOUBLE_EQ(CappedFinalLoss(record), 4);
  record.state = "diverged";
  EXPECT_DOUBLE_EQ(CappedFinalLoss(record), 9);
  record.state = "running";
  EXPECT_TRUE(std::isnan(CappedFinalLoss(record)));
}

// One torn line (a full disk, a killed trainer) spoils one cell, not the sweep: a torn last
// line is skipped; a damaged line elsewhere marks the cell "damaged" with the file:line.
TEST(RunRecordTest, ATornLastLineIsSkippedAndADamagedLineMarksOnlyItsCell) {
  const std::string sweep = ::testing::TempDir() + "/torn";
  for (const std::string name : {"cell-torn", "cell-damaged"}) {
    std::filesystem::create_directories(sweep + "/" + name);
    Cell cell;
    cell.name = name;
    ASSERT_TRUE(WriteCellFile(sweep + "/" + name, cell).ok());
  }
  std::ofstream(sweep + "/cell-torn/metrics.jsonl")
      << R"({"type":"train","update":1,"epoch":1,"loss":6})"
      << "\n"
      << R"({"type":"train","upd)";
  std::ofstream(sweep + "/cell-damaged/metrics.jsonl")
      << R"({"type":"train","upd)"
      << "\n"
      << R"({"type":"train","update":2,"epoch":1,"loss":5})"
      << "\n";

  absl::StatusOr<std::vector<RunRecord>> records = CollectRunRecords(sweep);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2);
  for (const RunRecord& record : *records) {
    if (record.name == "cell-torn") {
      EXPECT_EQ(record.state, "pending");
      ASSERT_EQ(record.train_curve.size(), 1);
      EXPECT_DOUBLE_EQ(record.train_curve[0].loss, 6);
    } else {
      EXPECT_EQ(record.state, "damaged");
      EXPECT_THAT(record.exit_reason, HasSubstr("cell-damaged/metrics.jsonl:1"));
    }
  }
}

TEST(RunRecordTest, RunningWithoutALiveTrainerIsFailed) {
  const std::string dir = ::testing::TempDir() + "/stale";
  std::filesystem::create_directories(dir);
  ASSERT_EQ(ReadRunState(dir), "pending");
  std::ofstream(dir + "/status.json") << R"({"state":"running","updates":3})"
                                      << "\n";
  EXPECT_EQ(ReadRunState(dir), "failed");
}

TEST(ReportHtmlTest, DrawsCurvesPerGroupAndMarksDivergedRuns) {
  std::vector<RunRecord> records = Matrix();
  records[0].exit_reason = "<script>";
  absl::StatusOr<PivotTable> pivot = BuildPivotTable(records, PivotOptions{});
  ASSERT_TRUE(pivot.ok());
  ReportOptions options;
  options.title = "matrix";
  options.group_by = "layers";
  absl::StatusOr<std::string> html = RenderReportHtml(records, *pivot, options);
  ASSERT_TRUE(html.ok()) << html.status();
  EXPECT_THAT(*html, HasSubstr("<h3>layers = 6</h3>"));
  EXPECT_THAT(*html, HasSubstr("<h3>layers = 18</h3>"));
  // Two figures (loss, optimization) per group.
  size_t svgs = 0;
  for (size_t at = html->find("<svg"); at != std::string::npos; at = html->find("<svg", at + 1)) {
    ++svgs;
  }
  EXPECT_EQ(svgs, 4);
  // One line per setting (arch), its seeds averaged; diverged runs are counted, and a
  // setting whose runs all diverged is dashed.
  EXPECT_THAT(*html, HasSubstr(">arch=postln (2/2 diverged)</text>"));
  EXPECT_THAT(*html, HasSubstr(">arch=admin (1/2 diverged)</text>"));
  EXPECT_THAT(*html, HasSubstr(">loss (layers = 18, matrix; mean over runs"));
  EXPECT_THAT(*html, HasSubstr("<td class=\"diverged\">diverged</td>"));
  EXPECT_THAT(*html, HasSubstr("&lt;script&gt;"));
  EXPECT_THAT(*html, Not(HasSubstr("<script")));
  options.group_by = "depth";
  EXPECT_THAT(RenderReportHtml(records, *pivot, options).status().message(),
              HasSubstr("--group_by: 'depth' is not an axis"));
}

TEST(ReportHtmlTest, CurveFiguresComeAloneAsOnePairPerGroup) {
  std::vector<RunRecord> records = Matrix();
  for (RunRecord& record : records) {
    for (CurvePoint& point : record.train_curve) {
      point.lr = 1e-3;
      point.grad_norm = 2;
    }
  }
  ReportOptions options;
  options.group_by = "layers";
  absl::StatusOr<std::vector<CurveFigures>> figures = RenderCurveFigures(records, options);
  ASSERT_TRUE(figures.ok()) << figures.status();
  ASSERT_EQ(figures->size(), 2);
  EXPECT_EQ((*figures)[0].group, "6");
  EXPECT_EQ((*figures)[1].group, "18");
  for (const CurveFigures& figure : *figures) {
    EXPECT_THAT(figure.loss_svg, HasSubstr("xmlns=\"http://www.w3.org/2000/svg\""));
    EXPECT_THAT(figure.loss_svg, HasSubstr(">training loss</text>"));
    EXPECT_THAT(figure.loss_svg, HasSubstr(">validation loss</text>"));
    EXPECT_THAT(figure.optimization_svg, HasSubstr(">learning rate</text>"));
    EXPECT_THAT(figure.optimization_svg, HasSubstr("gradient norm"));
  }
  // The mean of seeds 1 and 2 of postln at 6 layers, with its band, on hover.
  EXPECT_THAT((*figures)[0].optimization_svg, HasSubstr("<title>arch=postln: 50, 2 [2, 2]</title>"));
  options.group_by.clear();
  figures = RenderCurveFigures(records, options);
  ASSERT_TRUE(figures.ok()) << figures.status();
  ASSERT_EQ(figures->size(), 1);
  EXPECT_EQ((*figures)[0].group, "");
}

// A grid of known final losses: two arrangements at three learning rates, two seeds each.
std::vector<RunRecord> LearningRateGrid() {
  std::vector<RunRecord> records;
  const auto add = [&](const std::string& arch, const std::string& depth, const std::string& lr,
                       const std::string& seed, const std::string& state, double loss) {
    RunRecord record;
    record.name = arch + depth + lr + seed;
    record.axes = {{"arch", arch}, {"depth", depth}, {"lr", lr}, {"seed", seed}};
    record.state = state;
    record.initial_loss = 9;
    record.last_valid_loss = loss;
    records.push_back(record);
  };
  for (const std::string depth : {"6", "18"}) {
    // postln: 5 at 1e-3, 4.1 at 1e-2 (mean of 4 and 4.2), and at 1e-1 one diverged run and
    // one ending above its start: both count as the initial loss 9.
    add("postln", depth, "1e-3", "1", "done", 5);
    add("postln", depth, "1e-3", "2", "done", 5);
    add("postln", depth, "1e-2", "1", "done", 4);
    add("postln", depth, "1e-2", "2", "done", 4.2);
    add("postln", depth, "1e-1", "1", "diverged", kUnknown);
    add("postln", depth, "1e-1", "2", "done", 15);
    // preln: flat at 4, one run unfinished.
    add("preln", depth, "1e-3", "1", "done", 4);
    add("preln", depth, "1e-3", "2", "running", kUnknown);
    add("preln", depth, "1e-2", "1", "done", 4);
    add("preln", depth, "1e-2", "2", "done", 4);
    add("preln", depth, "1e-1", "1", "done", 4);
    add("preln", depth, "1e-1", "2", "done", 4);
  }
  return records;
}

TEST(LrSensitivityTest, AGridWithKnownLossesGivesTheKnownSensitivity) {
  absl::StatusOr<SensitivityTable> table = ComputeLrSensitivity(LearningRateGrid(), "lr");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->setting_axes, ElementsAre("arch", "depth"));
  ASSERT_EQ(table->rows.size(), 4u);
  const SensitivityRow& postln = table->rows[0];
  EXPECT_EQ(postln.setting, "postln / 6");
  // ((5 - 4.1) + 0 + (9 - 4.1)) / 3
  EXPECT_NEAR(postln.sensitivity, 5.8 / 3, 1e-12);
  EXPECT_NEAR(postln.best_loss, 4.1, 1e-12);
  EXPECT_EQ(postln.best_rate, "1e-2");
  EXPECT_EQ(postln.rates, 3);
  EXPECT_EQ(postln.runs, 6);
  const SensitivityRow& preln = table->rows[1];
  EXPECT_EQ(preln.setting, "preln / 6");
  EXPECT_DOUBLE_EQ(preln.sensitivity, 0);
  EXPECT_EQ(preln.runs, 5);
  EXPECT_EQ(preln.runs_total, 6);
  const std::string markdown = FormatMarkdownTable(SensitivityRows(*table));
  EXPECT_THAT(markdown, HasSubstr("| arch / depth | LR sensitivity | best final loss | best lr |"));
  EXPECT_THAT(markdown, HasSubstr("| postln / 18 | 1.933 | 4.100 | 1e-2 | 3/3 | 6/6 |"));
  EXPECT_THAT(ComputeLrSensitivity(LearningRateGrid(), "rate").status().message(),
              HasSubstr("'rate' is not an axis"));
}

TEST(AxisPlotTest, OneLinePerSettingAndOnePanelPerDepth) {
  absl::StatusOr<AxisPlotSpec> spec =
      ParseAxisPlotSpec("x:lr,y:capped_final_loss,color:arch,panel:depth,seeds:show");
  ASSERT_TRUE(spec.ok()) << spec.status();
  absl::StatusOr<std::string> svg = RenderAxisPlot(LearningRateGrid(), *spec, "lr_grid");
  ASSERT_TRUE(svg.ok()) << svg.status();
  EXPECT_THAT(*svg, HasSubstr("capped_final_loss vs lr (lr_grid"));
  EXPECT_THAT(*svg, HasSubstr(">depth = 6</text>"));
  EXPECT_THAT(*svg, HasSubstr(">depth = 18</text>"));
  // A mean line per arrangement in each panel, one legend entry each.
  int lines = 0;
  for (size_t at = svg->find("<polyline"); at != std::string::npos;
       at = svg->find("<polyline", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 4);
  EXPECT_THAT(*svg, HasSubstr(">postln</text>"));
  EXPECT_THAT(*svg, HasSubstr(">preln</text>"));
  // The lr axis is log-spaced: a log x axis; the diverged run sits at the initial loss.
  EXPECT_THAT(*svg, HasSubstr(">lr (log scale)</text>"));
  EXPECT_THAT(*svg, HasSubstr("<title>postln: 0.1, 9 [9, 9]</title>"));
  EXPECT_THAT(*svg, HasSubstr("<title>postln (one run): 0.1, 9</title>"));
}

TEST(AxisPlotTest, SpecsAndAxesAreCheckedWithClearErrors) {
  EXPECT_THAT(ParseAxisPlotSpec("x:lr").status().message(),
              HasSubstr("x:AXIS and y:METRIC are required"));
  EXPECT_THAT(ParseAxisPlotSpec("x:lr,y:updates,colour:arch").status().message(),
              HasSubstr("unknown key 'colour'"));
  EXPECT_THAT(ParseAxisPlotSpec("x:lr,y:updates,seeds:maybe").status().message(),
              HasSubstr("seeds takes yes or no"));
  absl::StatusOr<AxisPlotSpec> spec = ParseAxisPlotSpec("x:arch,y:capped_final_loss");
  ASSERT_TRUE(spec.ok());
  EXPECT_THAT(RenderAxisPlot(LearningRateGrid(), *spec, "g").status().message(),
              HasSubstr("the value 'postln' of axis 'arch' is not a number"));
  spec->x = "lrr";
  EXPECT_THAT(RenderAxisPlot(LearningRateGrid(), *spec, "g").status().message(),
              HasSubstr("--plot x: 'lrr' is not an axis of the sweep; did you mean 'lr'?"));
}

TEST(AxisPlotTest, LogSpacingIsRecognised) {
  EXPECT_TRUE(IsLogSpaced({1e-4, 3e-4, 1e-3, 3e-3, 1e-2}));
  EXPECT_TRUE(IsLogSpaced({1e-3, 2e-3, 4e-3, 8e-3}));
  EXPECT_FALSE(IsLogSpaced({6, 12, 18, 24}));
  EXPECT_FALSE(IsLogSpaced({0, 1, 2}));
  EXPECT_TRUE(IsLogSpaced({1, 100}));
}

TEST(SweepProgressTest, CountsStatesAndEstimatesWhatIsLeft) {
  std::vector<CellRun> runs(4);
  for (size_t i = 0; i < runs.size(); ++i) runs[i].name = std::string(1, 'a' + i);
  runs[0].state = "done";
  runs[1].state = runs[2].state = "pending";
  runs[3].state = "failed";  // failed last time: runs again
  SweepProgress progress(runs, /*jobs=*/1);
  EXPECT_EQ(progress.Line(),
            "sweep: 1/4 finished (1 done, 0 diverged), 0 running, 3 pending, 0 failed");
  progress.Started("b");
  EXPECT_EQ(progress.Count("running"), 1);
  progress.Ended("b", "diverged", 10);
  // Two pending cells at 10 s each, one job.
  EXPECT_EQ(progress.Line(),
            "sweep: 2/4 finished (1 done, 1 diverged), 0 running, 2 pending, 0 failed; ETA 0m20s");
  progress.Started("c");
  progress.Ended("c", "interrupted", 1);
  EXPECT_EQ(progress.Count("pending"), 2);
  progress.Started("d");
  progress.Ended("d", "failed", 3);
  EXPECT_EQ(progress.Count("failed"), 1);
}

}  // namespace
}  // namespace tools::sweep
