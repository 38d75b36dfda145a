/**
 * Analytics and reports: the run recorder the engine feeds, the report type and its metrics, and
 * the writers for report.json / CSVs / report.html and the console summary.
 */
export { RunRecorder, TradeCol, FillCol, MarkRecord, OrderRecord, FillRecord, RecordValue } from "./recorder.js";
export type { RecorderOptions, FinishInfo } from "./recorder.js";
export { computeReport, gridReturnStats, drawdownStats, tradeStats } from "./metrics.js";
export type { GridReturnStats, DrawdownStats, TradeStats, TradeOutcome } from "./metrics.js";
export { OrderTypeCode, ORDER_TYPE_NAMES, Liquidity, REPORT_SCHEMA_VERSION } from "./types.js";
export type { BacktestReport, BacktestMetrics, RunAssumptions, ReportInstrument, ReportSampling, ReportWarmup } from "./types.js";
export { isoFromNs, formatDurationNs } from "./time-format.js";
export { writeBacktestOutputs, assertValidReport, reportProblems, ReportValidationError, fillsCsv, tradesCsv, equityCsv, recordsCsv } from "./write.js";
export type { WriteOptions } from "./write.js";
export { writeFileAtomic } from "./atomic.js";
export { renderReportHtml, chartData, escapeHtml, jsonForScript } from "./html.js";
export { renderSummary, renderMetricsJson, metricRows } from "./summary.js";
export type { MetricRow } from "./summary.js";
