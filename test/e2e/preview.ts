/**
 * Looks at every dashboard view against fixture replies and saves screenshots in test-artifacts/preview-*.png.
 * A developer's tool (`npx tsx test/e2e/preview.ts`), not a test: the e2e test drives the real demo.
 */
import type { Page } from 'playwright-core';
import { DIST, ensureDashboardBuilt, launchBrowser, screenshot } from './browser.ts';
import { fixtures } from './preview-fixtures.ts';
import { serveStatic } from './static-server.ts';

async function main(): Promise<void> {
  ensureDashboardBuilt();
  const server = await serveStatic(DIST);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && console.error('[page]', m.text()));
    page.on('pageerror', (e) => console.error('[page error]', e.message));
    await page.route('**/api/**', async function fulfil(route) {
      const url = new URL(route.request().url());
      const key = `${route.request().method()} ${decodeURIComponent(url.pathname).replace(/\.(html|csv|json)$/, '.$1')}`;
      if (url.pathname === '/api/events')
        return route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'retry: 60000\n\n' });
      const html = key.endsWith('.html') ? fixtures['GET report.html'] : undefined;
      const body =
        fixtures[key] ?? html ?? (route.request().method() === 'POST' ? { ok: true, commandId: 'c-2' } : undefined);
      if (body === undefined)
        return route.fulfill({ status: 404, json: { statusCode: 404, code: 'ERR_NOT_FOUND', message: key } });
      if (typeof body === 'string')
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body });
      return route.fulfill({ status: 200, json: body });
    });
    const shots: [string, string, (p: Page) => Promise<void>][] = [
      [
        'public',
        '#/',
        async (p) => {
          await p.fill('input[name=plate]', '京A12345');
          await p.click('[data-testid=fee-lookup] button[type=submit]');
          await p.waitForSelector('[data-testid=fee-result]');
        },
      ],
      ['login', '#/login', async () => undefined],
    ];
    for (const [name, hash, act] of shots) {
      await page.goto(`${server.url}/${hash}`);
      await page.waitForLoadState('networkidle');
      await act(page);
      console.log(await screenshot(page, `preview-${name}`));
    }
    await page.fill('input[name=username]', 'wang');
    await page.fill('input[name=password]', 'x');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=live-view]');
    for (const hash of [
      '#/live',
      '#/sessions',
      '#/sessions/s3',
      '#/vehicles',
      '#/visitors',
      '#/blacklist',
      '#/gates',
      '#/tariff',
      '#/reports',
      '#/bureau',
      '#/bureau/lanyuan',
    ]) {
      await page.goto(`${server.url}/${hash}`);
      await page.waitForLoadState('networkidle');
      if (hash === '#/reports') {
        await page.click('[data-action=view-report]');
        await page.waitForSelector('[data-testid=report-frame]');
      }
      console.log(await screenshot(page, `preview-${hash.replace(/[#/]+/g, '-').replace(/^-|-$/g, '')}`));
    }
    await page.click('[data-testid=lang-switch]');
    await page.goto(`${server.url}/#/live`);
    await page.waitForLoadState('networkidle');
    console.log(await screenshot(page, 'preview-live-en'));
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/#/`);
    await page.waitForLoadState('networkidle');
    console.log(await screenshot(page, 'preview-public-phone'));
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
