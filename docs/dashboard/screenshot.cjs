// Drives the Aspire dashboard of a running lab in headless Chromium and saves screenshots:
// the resource table with the nodes' instances nested under them, and a resource's chaos commands.
// Usage (lab running, login URL as the AppHost printed it):
//   npm install --prefix /tmp/pw playwright-core
//   NODE_PATH=/tmp/pw/node_modules node docs/dashboard/screenshot.cjs 'http://127.0.0.1:15055/login?t=...'
const { chromium } = require('playwright-core');

const loginUrl = process.argv[2];
if (!loginUrl) {
  console.error('usage: node docs/dashboard/screenshot.cjs <dashboard login URL>');
  process.exit(2);
}
const out = __dirname;

(async () => {
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  // The machine's network is closed: without these Chromium keeps trying to reach its own services.
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(loginUrl);
  await page.getByText('node22-redis-4500').first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(2_000);
  await page.screenshot({ path: `${out}/resources.png`, fullPage: true });
  console.log(`saved ${out}/resources.png`);

  // Open the row's "..." actions menu of a master, where the chaos commands live.
  const row = page.getByRole('row').filter({ hasText: 'node22-redis-4500' }).first();
  await row.getByRole('button').last().click();
  await page.getByRole('menuitem').filter({ hasText: 'Commands' }).first().hover().catch(() => {});
  await page.waitForTimeout(1_000);
  await page.screenshot({ path: `${out}/commands.png`, fullPage: true });
  console.log(`saved ${out}/commands.png`);
} finally {
  await browser.close();
}
})().catch(e => { console.error(e); process.exit(1); });
