// Drives the kairos serve dashboard in headless Chromium (Debian's, through playwright-core from
// web/node_modules): the model card loads; the API key is asked for before the first write; three
// events added by clicking items change the recommendations shown, and what is shown equals
// /v1/recommend for the same session. No console error. Writes screenshots.
//   node dashboard_check.mjs BASE_URL API_KEY SCREENSHOT_PREFIX
// Prints one JSON line with what it saw; exit 0 only when every check held.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [base, key, shots] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.KAIROS_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const errors = [];
const seen = {};
const check = (name, ok) => { seen[name] = ok; if (!ok) errors.push('check failed: ' + name); };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + '/ui');
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30000 });
  check('model card', (await page.locator('#model-card tr').count()) >= 5);
  await page.waitForSelector('#items button.add');
  const recIds = () => page.$$eval('#recs li', (lis) => lis.map((li) => li.dataset.item));
  const before = await recIds();
  seen.before = before;
  const buttons = page.locator('#items button.add');
  const refreshes = async () => page.evaluate(() => window.kairos.refreshes);
  for (let i = 0; i < 3; ++i) {
    const r0 = await refreshes();
    await buttons.nth(i).click();
    if (i === 0 && key) {
      check('key asked before the first write', await page.locator('#key-form').isVisible());
      check('no event before the key', (await page.evaluate(() => window.kairos.events)) === 0);
      await page.fill('#api-key', key);
      await page.click('#save-key');
    }
    await page.waitForFunction((n) => window.kairos.refreshes > n, r0, { timeout: 15000 });
  }
  check('three events', (await page.evaluate(() => window.kairos.events)) === 3);
  const after = await recIds();
  seen.after = after;
  const api = await page.evaluate(async () => {
    const res = await fetch('/v1/recommend', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ session_id: window.kairos.session, k: 10 }),
    });
    return (await res.json()).items.map((it) => it.item_id);
  });
  seen.api = api;
  check('recommendations changed', JSON.stringify(before) !== JSON.stringify(after));
  check('shown = /v1/recommend', JSON.stringify(after) === JSON.stringify(api) && after.length > 0);
  // The traffic chart draws from the second metrics poll on (polls every 2 s).
  try {
    await page.waitForSelector('#traffic-chart svg', { timeout: 15000 });
  } catch (e) { /* counted below */ }
  check('traffic chart', (await page.locator('#traffic-chart svg').count()) === 1);
  await page.screenshot({ path: shots + 'dashboard.png', fullPage: true });
} finally {
  await browser.close();
}
console.log(JSON.stringify({ seen, errors }));
process.exit(errors.length === 0 ? 0 : 1);
