/**
 * Colour maps as matplotlib's, from 9 evenly spaced stops linearly interpolated: viridis
 * (perceptually uniform), coolwarm (Moreland's diverging map, grey at the centre) and gray.
 */

export type Colormap = "viridis" | "coolwarm" | "gray";

type RGB = [number, number, number];

const STOPS: Record<Colormap, RGB[]> = {
  viridis: [
    [68, 1, 84],
    [72, 40, 120],
    [62, 73, 137],
    [49, 104, 142],
    [38, 130, 142],
    [31, 158, 137],
    [53, 183, 121],
    [110, 206, 88],
    [253, 231, 37],
  ],
  coolwarm: [
    [59, 76, 192],
    [98, 130, 234],
    [141, 176, 254],
    [184, 208, 249],
    [221, 221, 221],
    [245, 196, 173],
    [244, 154, 123],
    [222, 96, 77],
    [180, 4, 38],
  ],
  gray: [[0, 0, 0], [255, 255, 255]],
};

export const COLORMAPS: readonly Colormap[] = ["viridis", "coolwarm", "gray"];

export function checkColormap(op: string, cmap: string): Colormap {
  if (!(COLORMAPS as readonly string[]).includes(cmap)) {
    throw new Error(`${op}: unknown cmap '${cmap}'; use one of ${COLORMAPS.join(", ")}.`);
  }
  return cmap as Colormap;
}

/** The colour at t in [0, 1] (clamped; NaN maps to 0). */
export function colorAt(cmap: Colormap, t: number): RGB {
  const stops = STOPS[cmap];
  const x = (Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t))) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [stops[i], stops[i + 1]];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as RGB;
}

/** A CSS gradient of the map from t = 0 at the bottom to t = 1 at the top (a colour bar). */
export function cssGradient(cmap: Colormap): string {
  const stops = STOPS[cmap];
  const css = stops.map(([r, g, b], i) =>
    `rgb(${r},${g},${b}) ${(100 * i / (stops.length - 1)).toFixed(1)}%`
  );
  return `linear-gradient(to top, ${css.join(", ")})`;
}
