// Deno imports this file as text (`with { type: "text" }`) and types it as a string; tsc needs
// to be told. Under Node the library reads the file instead (src/display/plot/html.ts).
declare module "plotly.js-dist-min/plotly.min.js" {
  const source: string;
  export default source;
}
