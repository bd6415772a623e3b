/**
 * metrics: regression metrics with the Sorix lecture's formulas and classification metrics
 * with scikit-learn's definitions, against hand-computed values (cross-checked with
 * scikit-learn 1.2); the classification report's text matches scikit-learn's exactly.
 */
import assert from "node:assert/strict";
import { throwsWith } from "./helpers.ts";
import { metrics, tensor } from "gradiente";
import { close } from "./helpers.ts";

Deno.test("regression metrics: MAE, MSE, RMSE, MAPE (percent), R² by hand", () => {
  const y = [3, -0.5, 2, 7], p = [2.5, 0, 2, 8];
  // errors ŷ − y: -0.5, 0.5, 0, 1
  close(metrics.mae(y, p), (0.5 + 0.5 + 0 + 1) / 4, 1e-15);
  close(metrics.mse(y, p), (0.25 + 0.25 + 0 + 1) / 4, 1e-15);
  close(metrics.rmse(y, p), Math.sqrt(0.375), 1e-15);
  close(metrics.mape(y, p), (100 / 4) * (0.5 / 3 + 0.5 / 0.5 + 0 + 1 / 7), 1e-13); // 32.738…
  // ȳ = 2.875; Σ(y − ȳ)² = 29.1875; Σ(y − ŷ)² = 1.5
  close(metrics.r2(y, p), 1 - 1.5 / 29.1875, 1e-15); // 0.948608…
  // Tensors of any dtype, and [n] against [n, 1].
  const yt = tensor(y, { dtype: "float64" }), pt = tensor(p).reshape(4, 1);
  close(metrics.mse(yt, pt), 0.375, 1e-7);
  close(metrics.r2(yt, pt), 0.9486081370449679, 1e-7);
  assert.equal(metrics.mae(tensor([1, 2, 3], { dtype: "int32" }), [1, 2, 5]), 2 / 3);
  // Perfect predictions.
  assert.equal(metrics.mse(y, y), 0);
  assert.equal(metrics.r2(y, y), 1);
});

Deno.test("r2: several outputs average per output; a constant target follows scikit-learn", () => {
  const Y = [[0.5, 1], [-1, 1], [7, -6]], P = [[0, 2], [-1, 2], [8, -5]];
  close(metrics.r2(Y, P), 0.9368005266622779, 1e-12);
  close(metrics.mse(Y, P), 0.7083333333333334, 1e-12);
  close(metrics.mae(Y, P), 0.75, 1e-12);
  assert.equal(metrics.r2([2, 2, 2], [2, 2, 2]), 1);
  assert.equal(metrics.r2([2, 2, 2], [2, 2, 3]), 0);
  // The lecture's R² can be negative: worse than predicting the mean.
  assert.ok(metrics.r2([1, 2, 3], [3, 2, 1]) < 0);
  close(metrics.r2([1, 2, 3], [3, 2, 1]), 1 - 8 / 2, 1e-15);
});

Deno.test("accuracy, and binary precision / recall / F1 with posLabel", () => {
  const t = [1, 0, 1, 1, 0, 0, 1, 0], p = [1, 1, 1, 0, 0, 0, 1, 1];
  // class 1: tp 3, fp 2, fn 1; class 0: tp 2, fp 1, fn 2
  assert.equal(metrics.accuracy(t, p), 5 / 8);
  close(metrics.precision(t, p), 3 / 5, 1e-15);
  close(metrics.recall(t, p), 3 / 4, 1e-15);
  close(metrics.f1(t, p), (2 * 0.6 * 0.75) / (0.6 + 0.75), 1e-15);
  close(metrics.precision(t, p, { posLabel: 0 }), 2 / 3, 1e-15);
  close(metrics.recall(t, p, { posLabel: 0 }), 2 / 4, 1e-15);
  close(metrics.f1(t, p, { posLabel: 0 }), 0.5714285714285715, 1e-15);
  // Tensors: bool labels, and [n, 2] scores read through argmax.
  const tb = tensor(t.map((v) => v === 1));
  const scores = tensor(p.map((v) => (v === 1 ? [0.2, 0.8] : [0.9, 0.1])));
  close(metrics.precision(tb, scores), 0.6, 1e-15);
  assert.equal(metrics.accuracy(tensor(t, { dtype: "int32" }), scores), 5 / 8);
  // Nothing predicted positive: precision is 0 (scikit-learn's zero_division default).
  assert.equal(metrics.precision([1, 0, 1], [0, 0, 0]), 0);
  assert.equal(metrics.f1([1, 0, 1], [0, 0, 0]), 0);
  // One class only, posLabel absent from the data: still binary, score 0.
  assert.equal(metrics.recall([0, 0], [0, 0]), 0);
});

Deno.test("multiclass: macro, micro and weighted averages; the confusion matrix", () => {
  const t = [0, 1, 2, 2, 1, 0, 2, 1, 1, 0], p = [0, 2, 2, 2, 1, 0, 1, 1, 0, 0];
  // per class (precision, recall, f1, support):
  //   0: 3/4, 3/3, 6/7, 3   1: 2/3, 2/4, 4/7, 4   2: 2/3, 2/3, 2/3, 3
  const macro = { average: "macro" } as const;
  close(metrics.precision(t, p, macro), (3 / 4 + 2 / 3 + 2 / 3) / 3, 1e-15);
  close(metrics.recall(t, p, macro), (1 + 1 / 2 + 2 / 3) / 3, 1e-15);
  close(metrics.f1(t, p, macro), (6 / 7 + 4 / 7 + 2 / 3) / 3, 1e-15);
  close(
    metrics.precision(t, p, { average: "weighted" }),
    (3 * 0.75 + 4 * (2 / 3) + 3 * (2 / 3)) / 10,
    1e-15,
  );
  close(metrics.f1(t, p, { average: "weighted" }), 0.6857142857142857, 1e-15);
  for (const f of [metrics.precision, metrics.recall, metrics.f1]) {
    close(f(t, p, { average: "micro" }), 0.7, 1e-15);
  }
  assert.equal(metrics.accuracy(t, p), 0.7);
  const cm = metrics.confusionMatrix(t, p);
  assert.equal(cm.dtype, "int32");
  assert.deepEqual(cm.toArray(), [[3, 0, 0], [1, 2, 1], [0, 1, 2]]); // rows: true class
  assert.deepEqual(
    metrics.confusionMatrix([0, 1], [1, 1], { numClasses: 4 }).toArray(),
    [[0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
  );
  // Macro averages run over the labels present, as scikit-learn: label 1 never occurs here.
  close(metrics.precision([0, 2, 2, 5], [0, 2, 5, 5], macro), (1 + 1 + 0.5) / 3, 1e-15);
  close(metrics.f1([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], macro), 0.26666666666666666, 1e-15);
});

Deno.test("classificationReport prints exactly as scikit-learn's classification_report", () => {
  const t = [0, 1, 2, 2, 1, 0, 2, 1, 1, 0], p = [0, 2, 2, 2, 1, 0, 1, 1, 0, 0];
  const report = metrics.classificationReport(t, p);
  assert.equal(
    report.toString(),
    "              precision    recall  f1-score   support\n\n" +
      "           0       0.75      1.00      0.86         3\n" +
      "           1       0.67      0.50      0.57         4\n" +
      "           2       0.67      0.67      0.67         3\n\n" +
      "    accuracy                           0.70        10\n" +
      "   macro avg       0.69      0.72      0.70        10\n" +
      "weighted avg       0.69      0.70      0.69        10\n",
  );
  assert.equal(report.rows.length, 3);
  assert.equal(report.accuracy, 0.7);
  close(report.macroAvg.f1, 0.6984126984126985, 1e-15);
  close(report.weightedAvg.precision, 0.6916666666666667, 1e-15);
  assert.equal(report.weightedAvg.support, 10);
  assert.deepEqual(report.get(1), {
    label: 1,
    name: "1",
    precision: 2 / 3,
    recall: 0.5,
    f1: 4 / 7,
    support: 4,
  });
  assert.deepEqual(Object.keys(report.toJSON()), [
    "0",
    "1",
    "2",
    "accuracy",
    "macro avg",
    "weighted avg",
  ]);

  const named = metrics.classificationReport(t, p, {
    targetNames: ["cat", "dog", "bird"],
    digits: 3,
  });
  assert.equal(
    named.toString(),
    "              precision    recall  f1-score   support\n\n" +
      "         cat      0.750     1.000     0.857         3\n" +
      "         dog      0.667     0.500     0.571         4\n" +
      "        bird      0.667     0.667     0.667         3\n\n" +
      "    accuracy                          0.700        10\n" +
      "   macro avg      0.694     0.722     0.698        10\n" +
      "weighted avg      0.692     0.700     0.686        10\n",
  );
  assert.equal(named.get("dog")?.support, 4);
  // Exact ties round half to even, as Python's format: 0.625 prints 0.62, not 0.63.
  assert.equal(
    metrics.classificationReport([1, 1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]).toString(),
    "              precision    recall  f1-score   support\n\n" +
      "           0       0.00      0.00      0.00         3\n" +
      "           1       0.62      1.00      0.77         5\n\n" +
      "    accuracy                           0.62         8\n" +
      "   macro avg       0.31      0.50      0.38         8\n" +
      "weighted avg       0.39      0.62      0.48         8\n",
  );
  // Rows are the labels present (here 0, 2 and 5).
  assert.deepEqual(
    metrics.classificationReport([0, 2, 2, 5], [0, 2, 5, 5]).rows.map((r) => r.name),
    ["0", "2", "5"],
  );
});

Deno.test("classificationReport renders as an HTML table and a Jupyter bundle", () => {
  const report = metrics.classificationReport([0, 1, 1], [0, 1, 0], { targetNames: ["a<b", "c"] });
  const html = report.toHTML();
  assert.ok(html.startsWith("<table"));
  assert.ok(html.includes("a&lt;b") && !html.includes("a<b"));
  assert.equal((html.match(/<tr>/g) ?? []).length, 1 + 2 + 3); // header, 2 classes, 3 summary rows
  assert.ok(html.includes('<td style="text-align:right">0.67</td>'));
  const bundle = (report as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]();
  assert.equal(bundle["text/plain"], report.toString());
  assert.equal(bundle["text/html"], html);
  assert.equal(String(report), report.toString());
});

Deno.test("metrics errors: length mismatch, empty input, bad labels, bad options", () => {
  throwsWith(() => metrics.mse([1, 2, 3], [1, 2]), "mse", "same number of samples", "3", "2");
  throwsWith(() => metrics.accuracy([0, 1], [0]), "accuracy", "same number of samples");
  throwsWith(() => metrics.r2([], []), "r2", "empty");
  throwsWith(() => metrics.f1(tensor([]), tensor([])), "f1", "empty");
  throwsWith(() => metrics.mse([[1, 2]], [[1, 2, 3]]), "mse", "[1, 2]", "[1, 3]");
  throwsWith(() => metrics.mape([0, 1], [1, 1]), "mape", "yTrue[0] is 0");
  throwsWith(
    () => metrics.precision([0, 1, 2], [0, 1, 1]),
    "precision",
    "binary",
    "[0, 1, 2]",
    "macro",
  );
  throwsWith(() => metrics.precision([0, 0], [0, 2]), "binary", "[0, 2]", "posLabel is 1");
  throwsWith(
    () => metrics.recall([0, 1], [0.5, 1]),
    "recall",
    "yPred[0] is 0.5",
    "non-negative integers",
  );
  throwsWith(() => metrics.accuracy([-1, 1], [0, 1]), "yTrue[0] is -1");
  throwsWith(
    () => metrics.f1([0, 1], [0, 1], { average: "samples" as "macro" }),
    "unknown average 'samples'",
  );
  throwsWith(
    () => metrics.confusionMatrix([0, 3], [0, 1], { numClasses: 3 }),
    "label 3",
    "numClasses is 3",
  );
  throwsWith(
    () => metrics.classificationReport([0, 2], [0, 1], { targetNames: ["a", "b"] }),
    "classificationReport",
    "label 2",
    "2 names",
  );
});
