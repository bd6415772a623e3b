/**
 * Data preprocessing as in Sorix and scikit-learn: `StandardScaler`, `MinMaxScaler` and
 * `KMeans` clustering (k-means++ starts, seeded through gradiente's Generator).
 *
 * @example
 * ```ts
 * import { preprocessing, tensor } from "gradiente";
 * const X = tensor([[1, 10], [2, 20], [3, 30]]);
 * const scaler = new preprocessing.StandardScaler();
 * const Z = scaler.fitTransform(X); // each column: mean 0, population std 1
 * scaler.inverseTransform(Z); // X again
 * const km = new preprocessing.KMeans({ nClusters: 2, seed: 0 });
 * km.fitPredict(tensor([[0, 0], [0, 1], [9, 9], [9, 8]])); // tensor([0, 0, 1, 1]) (or swapped)
 * ```
 * @module
 */
export {
  MinMaxScaler,
  type MinMaxScalerOptions,
  StandardScaler,
  type StandardScalerOptions,
} from "./scalers.ts";
export { KMeans, type KMeansOptions } from "./kmeans.ts";
