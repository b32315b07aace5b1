// Regenerates docs/screenshot.png: the demo with a few entities and claims.
// Usage (after scripts/build.sh): node scripts/screenshot.mjs
import path from 'node:path';
import { startServer, launchFresh, openDemo, mouseSelect, ROOT } from '../tests/e2e/harness.mjs';

const { server, url } = await startServer();
const { context, close } = await launchFresh();
try {
  const { page } = await openDemo(context, url);
  const tag = async (text, key, part) => { await mouseSelect(page, text, part); await page.keyboard.press(key); };
  await tag('Nikolai Nikiforov said', '1', 'Nikolai Nikiforov');
  await tag('the Kremlin has agreed', '2', 'Kremlin');
  await tag('software deliveries to China', '3', 'China');
  await tag('the Kremlin has agreed to broaden software deliveries to China', 'c');
  await page.selectOption('.aa-claimant', { label: 'Nikolai Nikiforov (Person)' });
  await page.selectOption('.aa-verdict', 'mostly-true');
  await tag('Following his meeting in Beijing', '3', 'Beijing');
  await tag('Chinese Industry and IT Minister Miao Wei', '1', 'Miao Wei');
  await tag('Western sanctions imposed on Moscow', '4', 'Western sanctions');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.click('.aa-group[aria-label="Claims"] .aa-entry');
  await page.waitForTimeout(1700);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ROOT, 'docs', 'screenshot.png') });
} finally {
  await close();
  server.close();
}
