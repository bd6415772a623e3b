/** Live outputs the library exports: display(), the live loss plot, progress bars. */
export { liveLoss, LiveLossPlot } from "./live.ts";
export { progress, ProgressBar } from "./progress.ts";
export { display } from "./display.ts";
