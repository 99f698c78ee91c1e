// Opens a page in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core from
// web/node_modules), waits until `document.body.dataset.chartsRendered` reaches the expected
// count, and fails on any console error or page error. Writes a full-page screenshot.
//   node browser_check.mjs URL EXPECTED_CHARTS SCREENSHOT.png
// Prints one JSON line: {"charts": n, "svgs": n, "errors": [...]}; exit 0 only when all charts
// rendered as SVG and nothing was logged as an error.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [url, expectedText, screenshot] = process.argv.slice(2);
const expected = Number(expectedText);
const browser = await chromium.launch({
  executablePath: process.env.KAIROS_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const errors = [];
let result = { charts: 0, svgs: 0, errors };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push('request failed: ' + r.url()));
  await page.goto(url);
  try {
    await page.waitForFunction(
      (n) => Number(document.body.dataset.chartsRendered || 0) >= n, expected, { timeout: 60000 });
  } catch (e) {
    errors.push('timed out waiting for ' + expected + ' charts');
  }
  result.charts = await page.evaluate(() => Number(document.body.dataset.chartsRendered || 0));
  result.svgs = await page.locator('.chart svg').count();
  await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.charts === expected && result.svgs === expected && errors.length === 0 ? 0 : 1);
