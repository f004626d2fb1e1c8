import type { Locator, Page } from 'playwright-core';
import { screenshot } from './browser.ts';

export interface Login {
  username: string;
  password: string;
}

/** What the journey needs from a running community: its HTTP address, accounts, and a camera to publish as. */
export interface JourneyTarget {
  httpUrl: string;
  credentials: { staff: Login; bureau: Login; admin: Login };
  site: string;
  /** A gate with an entry and an exit lane. */
  gate: string;
  /** Publish a camera read; resolves with the plate text as read (a low confidence read may be a misread). */
  publishPlate(lane: 'entry' | 'exit', plate: string, confidence: number): Promise<string>;
}

export const WAIT = { timeout: 20_000 };

export async function open(page: Page, target: JourneyTarget, hash: string): Promise<void> {
  await page.goto(`${target.httpUrl}/${hash}`);
}

export async function login(page: Page, target: JourneyTarget, who: Login): Promise<void> {
  await open(page, target, '#/login');
  await page.fill('input[name=username]', who.username);
  await page.fill('input[name=password]', who.password);
  await page.click('[data-testid=login-form] button[type=submit]');
  await page.waitForSelector('[data-testid=who]', WAIT);
}

export async function logout(page: Page): Promise<void> {
  await page.evaluate('sessionStorage.clear()');
}

export function lane(page: Page, target: JourneyTarget, which: 'entry' | 'exit'): Locator {
  return page.locator(`[data-testid="lane-${target.gate}-${which}"]`);
}

/** Staff: a car enters and shows up live; a fuzzy exit read is confirmed; the barrier is opened by hand and audited. */
export async function staffJourney(page: Page, target: JourneyTarget, plates: { resident: string }) {
  await login(page, target, target.credentials.staff);
  await open(page, target, '#/live');
  await page.waitForSelector('[data-testid=live-view] [data-testid=site-free]', WAIT);
  await lane(page, target, 'entry').waitFor(WAIT);
  await page.waitForSelector('[data-testid=stream-state][data-connected=true]', WAIT);

  // Live: the entry appears in the lane and on its LED mirror without a reload; the mirror goes blank after the
  // display's seconds on the gateway's clock (a few milliseconds here, at 60×), keeping the last text beside it.
  await target.publishPlate('entry', plates.resident, 0.98);
  const entryLane = lane(page, target, 'entry');
  await entryLane.locator('.recent .plate', { hasText: plates.resident }).first().waitFor(WAIT);
  await entryLane.locator('.led-wrap', { hasText: plates.resident }).waitFor(WAIT);
  await entryLane.locator('[data-testid=led-panel][data-state=blank]').waitFor(WAIT);
  await entryLane.locator('[data-testid=led-last]').waitFor(WAIT);
  await screenshot(page, 'staff-live');

  // A low-confidence exit read matched fuzzily to the car inside lands in the exceptions queue; staff confirm it.
  const fuzzyRead = await target.publishPlate('exit', plates.resident, 0.6);
  const fuzzy = page.locator('[data-testid=exception][data-kind=fuzzyMatch]', { hasText: fuzzyRead }).first();
  await fuzzy.waitFor(WAIT);
  await screenshot(page, 'staff-exception');
  const exceptionId = await fuzzy.getAttribute('data-id');
  await fuzzy.locator('input.note').fill('e2e 现场核对车牌');
  await fuzzy.locator('[data-action=confirm]').click();
  await page.locator(`[data-testid=exception][data-id="${exceptionId}"]`).waitFor({ state: 'detached', ...WAIT });

  // Manual open with a required reason; it shows in the audit log.
  const reason = `e2e 救护车通行 ${Date.now() % 100_000}`;
  await open(page, target, '#/gates');
  await page.waitForSelector('[data-testid=manual-open]', WAIT);
  await page.selectOption('[data-testid=manual-open] select[name=gate]', target.gate);
  await page.selectOption('[data-testid=manual-open] select[name=lane]', 'entry');
  await page.fill('[data-testid=manual-open] input[name=reason]', reason);
  await page.click('[data-testid=manual-open] button[type=submit]');
  await page.waitForSelector('[data-testid=open-sent]', WAIT);
  await page.locator('[data-testid=audit-table] tr', { hasText: reason }).first().waitFor(WAIT);
  await screenshot(page, 'staff-gates-audit');

  // The fuzzy confirmation is audited too.
  const audit = await page.locator('[data-testid=audit-table]').textContent();

  // Sessions: the resident's session with its decisions and fee breakdown.
  await open(page, target, `#/sessions?plate=${encodeURIComponent(plates.resident)}`);
  await page.locator('[data-testid=session-table] a', { hasText: plates.resident }).first().click();
  await page.waitForSelector('[data-testid=session-detail]', WAIT);
  await screenshot(page, 'staff-session');
  const session = await page.locator('[data-testid=session-detail]').textContent();

  // Pages without live data still hold the event stream, and the indicator says so.
  for (const hash of ['#/blacklist', '#/tariff']) {
    await open(page, target, hash);
    await page.waitForSelector('[data-testid=stream-state][data-connected=true]', WAIT);
    await screenshot(page, `staff-${hash.slice(2)}`);
  }
  await logout(page);
  return { audit, session, exceptionId, fuzzyRead };
}

/** Bureau: the evaluation table, one community's drill-down, and one report opened in place. */
export async function bureauJourney(page: Page, target: JourneyTarget) {
  await login(page, target, target.credentials.bureau);
  await open(page, target, '#/bureau');
  const table = page.locator('[data-testid=evaluation-table]');
  await table.waitFor(WAIT);
  const rows = await table.locator('tbody tr').count();
  await screenshot(page, 'bureau-evaluation');
  const actsHidden = (await page.locator('.sidenav a[href="#/gates"]').count()) === 0;

  // Each column says what it measures: its definition from the gateway, as a tooltip and in the list below.
  const peakHeader = table.locator('th[title]', { has: page.locator('button[data-sort=peakOccupancy]') });
  await peakHeader.waitFor(WAIT);
  const peakTitle = await peakHeader.getAttribute('title');
  await page.click('[data-testid=definitions] summary');
  const definitions = await page.locator('[data-testid=definitions]').textContent();
  await screenshot(page, 'bureau-definitions');

  await table.locator('tbody tr a').first().click();
  await page.waitForSelector('[data-testid=bureau-detail] [data-testid=trend-index] svg', WAIT);
  const trend = await page.locator('[data-testid=trend-index] svg').getAttribute('aria-label');
  const figures = await page.locator('[data-testid=indicator-table]').textContent();
  await screenshot(page, 'bureau-detail');
  await page.locator('[data-testid=bureau-detail] [data-action=view-report]').first().click();
  const frame = page.locator('[data-testid=report-frame] iframe');
  await frame.waitFor(WAIT);
  const reportText = await frame.contentFrame().locator('body').textContent();
  await screenshot(page, 'bureau-report');
  await logout(page);
  return { rows, actsHidden, reportText, peakTitle, definitions, trend, figures };
}

/** The public: no login, free spaces and the published tariff, and a fee look-up for one's own plate. */
export async function publicJourney(page: Page, target: JourneyTarget, plate: string) {
  await open(page, target, '#/');
  await page.waitForSelector('[data-testid=public-sites] .big-number', WAIT);
  await page.waitForSelector('[data-testid=public-tariff] .notice', WAIT);
  const tariff = await page.locator('[data-testid=public-tariff] .notice').first().textContent();
  await page.fill('[data-testid=fee-lookup] input[name=plate]', plate);
  await page.click('[data-testid=fee-lookup] button[type=submit]');
  const result = page.locator('[data-testid=fee-result]');
  await result.waitFor(WAIT);
  const parked = await result.locator('[data-testid=fee-parked]').textContent();
  await screenshot(page, 'public-fee');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'public-phone');
  return { tariff, parked, fee: await result.textContent() };
}
