/**
 * Rich display: pure functions from values to MIME bundles. Tensors and Modules display
 * themselves in Deno's Jupyter kernel through these; images and heatmaps are values to
 * leave as a cell's last expression.
 */
export { type Displayable, escapeHtml, JUPYTER_DISPLAY, type MimeBundle } from "./bundle.ts";
export { tensorBundle, tensorBundleAsync } from "./tensor_html.ts";
export { type ModelSummary, moduleBundle, summary, type SummaryRow } from "./module_summary.ts";
export {
  type GridOptions,
  imageGrid,
  imageGridAsync,
  type ImageOptions,
  toImage,
  toImageAsync,
} from "./image.ts";
export { heatmap, heatmapAsync, type HeatmapOptions } from "./heatmap.ts";
export { type Colormap, COLORMAPS } from "./colormap.ts";
export { PngImage } from "./png.ts";
export {
  type FeatureMapLayer,
  FeatureMaps,
  featureMaps,
  featureMapsAsync,
  type FeatureMapsOptions,
  filters,
  filtersAsync,
  type FiltersOptions,
} from "./feature_maps.ts";
