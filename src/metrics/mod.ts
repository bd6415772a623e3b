/**
 * Metrics for regression (`mae`, `mape`, `mse`, `rmse`, `r2`, with the Sorix lecture's
 * formulas) and classification (`accuracy`, `precision`, `recall`, `f1`, `confusionMatrix`,
 * `classificationReport`, with scikit-learn's definitions). They take tensors or plain arrays
 * and return JS numbers (the confusion matrix is an int32 tensor, the report a printable value).
 *
 * @example
 * ```ts
 * import { metrics } from "gradiente";
 * metrics.mse([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // 0.375
 * metrics.f1([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { average: "macro" }); // 0.2667
 * console.log(metrics.classificationReport([0, 1, 1, 2], [0, 1, 2, 2]).toString());
 * ```
 * @module
 */
export { mae, mape, mse, r2, rmse } from "./regression.ts";
export {
  accuracy,
  type Average,
  type AverageOptions,
  confusionMatrix,
  type ConfusionMatrixOptions,
  f1,
  precision,
  recall,
} from "./classification.ts";
export {
  ClassificationReport,
  classificationReport,
  type ClassificationReportOptions,
  type ClassRow,
  type ReportRow,
} from "./report.ts";
export type { MetricInput } from "./input.ts";
