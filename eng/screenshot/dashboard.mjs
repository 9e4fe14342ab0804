// Takes the dashboard screenshot of README.md and docs/using-the-lab.md in headless Chromium (Debian's chromium + npm's puppeteer-core):
//   node eng/screenshot/dashboard.mjs <login URL printed by the AppHost> <output.png> [resource to open]
// Logs in with the URL's token, waits until the resource table has settled, and captures the page.
import puppeteer from 'puppeteer-core';

const [loginUrl, output, resource] = process.argv.slice(2);
if (!loginUrl || !output) {
  console.error('usage: node eng/screenshot/dashboard.mjs <login URL> <output.png> [resource]');
  process.exit(2);
}
const browser = await puppeteer.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
  defaultViewport: { width: 1700, height: 900 },
});
try {
  const page = await browser.newPage();
  await page.goto(loginUrl, { waitUntil: 'networkidle2', timeout: 60000 });
  // The table streams in over the dashboard's connection; give it time to fill and to show the roles.
  await new Promise(r => setTimeout(r, 6000));
  if (resource) {
    const base = new URL(loginUrl).origin;
    await page.goto(`${base}/consolelogs/resource/${resource}`, { waitUntil: 'networkidle2', timeout: 60000 });
    await new Promise(r => setTimeout(r, 5000));
  }
  await page.screenshot({ path: output });
} finally {
  await browser.close();
}
