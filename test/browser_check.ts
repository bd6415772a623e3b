/**
 * Opens an HTML file in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core; no browser is downloaded) and reports, as JSON on stdout, which selectors
 * appeared and their text, plus the page's errors. Used by browser_test.ts, which runs it with
 * --allow-all: playwright's WSL check reads /proc/sys/fs/binfmt_misc/WSLInterop, a path Deno
 * only lets --allow-all read.
 *
 * Usage: deno run --allow-all test/browser_check.ts CHROMIUM FILE.html SELECTOR...
 */
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";

export interface CheckReport {
  results: { selector: string; found: boolean; text: string }[];
  errors: string[];
}

if (import.meta.main) {
  const [executablePath, html, ...selectors] = Deno.args;
  const browser = await chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    // Offline and deterministic: only the file itself (and what it inlines) loads.
    await page.route(/^(?!file:|data:)/, (route) => route.abort());
    await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
    const report: CheckReport = { results: [], errors };
    for (const selector of selectors) {
      try {
        const el = await page.waitForSelector(selector, { state: "attached", timeout: 10_000 });
        report.results.push({ selector, found: true, text: (await el.textContent()) ?? "" });
      } catch {
        report.results.push({ selector, found: false, text: "" });
      }
    }
    console.log(JSON.stringify(report));
  } finally {
    await browser.close();
  }
}
