/**
 * report.html in headless Chromium (Debian's chromium, driven by playwright-core): the page loads
 * from file:// with no console error, no page error and no network request, every chart container
 * holds a canvas with drawn (non-blank) pixels, the PARTIAL banner shows when partial, and hostile
 * symbol names cannot break out of the data script. Saves test-artifacts/report.png.
 * Skips with a visible message when chromium is not installed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { writeBacktestOutputs } from "../../runtime/analytics/write.js";
import { REPO_ROOT } from "../support/shared-data.js";
import { syntheticRun } from "./synthetic.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", process.env.CHROMIUM_PATH ?? ""].find((p) => p && existsSync(p));
if (!CHROMIUM) console.warn("[report.html browser test SKIPPED] chromium not found: install it with `apt-get install -y chromium` (CI's .ci/run does)");

interface PageCheck {
  errors: string[];
  requests: string[];
  charts: Array<{ id: string; canvases: number; inked: number }>;
  banner: string | null;
  title: string;
  /** The page's own check that every chart shows all its points after the initial fit. */
  whole: string | null;
}

describe.skipIf(!CHROMIUM)("report.html in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM!,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(file: string, screenshot?: string): Promise<PageCheck> {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    const url = pathToFileURL(file).href;
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
    page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
    page.on("request", (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: "load" });
    await page.waitForSelector("body[data-charts-ready]", { timeout: 20_000 });
    // Let the charts paint (they draw on animation frames).
    // Browser-side code as strings: the test project has no DOM types.
    await page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
    const charts = (await page.evaluate(`Array.from(document.querySelectorAll(".chart")).map((el) => {
      let inked = 0;
      const canvases = Array.from(el.querySelectorAll("canvas"));
      for (const c of canvases) {
        if (c.width === 0 || c.height === 0) continue;
        const ctx = c.getContext("2d");
        if (!ctx) continue;
        const px = ctx.getImageData(0, 0, c.width, c.height).data;
        // Count (sampled) pixels that are neither transparent nor near-white.
        for (let k = 0; k < px.length; k += 16) {
          if (px[k + 3] > 0 && (px[k] < 200 || px[k + 1] < 200 || px[k + 2] < 200)) inked++;
        }
      }
      return { id: el.id, canvases: canvases.length, inked };
    })`)) as PageCheck["charts"];
    const banner = (await page.evaluate(`document.querySelector(".banner.partial")?.textContent ?? null`)) as string | null;
    const title = await page.title();
    const whole = await page.getAttribute("body", "data-charts-whole");
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();
    return { errors, requests, charts, banner, title, whole };
  }

  it("loads offline without errors and every chart draws", async () => {
    const out = mkdtempSync(join(tmpdir(), "algo-html-"));
    const { rec, report } = syntheticRun();
    writeBacktestOutputs(out, rec, report);
    const artifacts = join(REPO_ROOT, "test-artifacts");
    mkdirSync(artifacts, { recursive: true });
    const check = await open(join(out, "report.html"), join(artifacts, "report.png"));
    expect(check.errors).toEqual([]);
    expect(check.requests).toEqual([]);
    expect(check.title).toBe("mean_revert.algo — backtest report");
    expect(check.charts.map((c) => c.id)).toEqual([
      "chart-equity",
      "chart-drawdown",
      "chart-price-0",
      "chart-position-0",
      "chart-price-1",
      "chart-position-1",
      "chart-record-0",
      "chart-record-1",
    ]);
    for (const c of check.charts) {
      expect(c.canvases, c.id).toBeGreaterThan(0);
      expect(c.inked, `${c.id} has drawn pixels`).toBeGreaterThan(100);
    }
    expect(check.banner).toBeNull();
    expect(check.whole).toBe("yes");
    expect(existsSync(join(artifacts, "report.png"))).toBe(true);
  }, 300_000);

  it("shows a PARTIAL banner, and hostile symbol names stay data", async () => {
    const out = mkdtempSync(join(tmpdir(), "algo-html-"));
    const { rec, report } = syntheticRun({ partial: true, steps: 3000, symbols: ["</script><script>alert(1)</script>", "A&B<!--\u2028"] });
    writeBacktestOutputs(out, rec, report);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).not.toContain("</script><script>alert(1)");
    const check = await open(join(out, "report.html"), join(REPO_ROOT, "test-artifacts", "report-partial.png"));
    expect(check.errors).toEqual([]);
    expect(check.banner).toMatch(/^PARTIAL — interrupted \(Ctrl-C\)/);
    expect(check.whole).toBe("yes");
    for (const c of check.charts) expect(c.inked, c.id).toBeGreaterThan(100);
  }, 300_000);
});
