/**
 * Data loading, as torch.utils.data plus the datasets of the lectures: Dataset, TensorDataset,
 * Subset, DataLoader, randomSplit, trainTestSplit; MNIST and FashionMNIST (IDX files);
 * truth tables and scikit-learn-style synthetic sets; input and label transforms.
 * @module
 */
export { Dataset, type DatasetLike, type DatasetSource, Subset, TensorDataset } from "./dataset.ts";
export { type Collated, defaultCollate } from "./collate.ts";
export { DataLoader, type DataLoaderOptions } from "./dataloader.ts";
export { randomSplit, trainTestSplit, type TrainTestSplitOptions } from "./split.ts";
export * as datasets from "./datasets.ts";
export * as toy from "./toy.ts";
export {
  makeBlobs,
  type MakeBlobsOptions,
  makeMoons,
  type MakeMoonsOptions,
  makeRegression,
  type MakeRegressionOptions,
} from "./synthetic.ts";
export { normalize, oneHot, scaleTo01, toUnitRange } from "./transforms.ts";
export { decodeIdx, type IdxArray, type IdxType, parseIdx, readIdx, readIdxFile } from "./idx.ts";
export { type Checksum, downloadFile, type DownloadOptions } from "./download.ts";
