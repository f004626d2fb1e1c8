import type { Page } from 'playwright-core';
import { screenshot } from './browser.ts';
import { type JourneyTarget, lane, login, logout, open, WAIT } from './dashboard-journey.ts';

export interface RegistryPlates {
  /** Room of the household created through the form. */
  room: string;
  /** Room that only the CSV names: the import creates its household. */
  csvRoom: string;
  /** Added through the vehicle form. */
  resident: string;
  /** Good and bad rows of the CSV import; the bad row has an unknown vehicle class. */
  csvGood: string;
  csvBad: string;
  /** Given a monthly pass through the form. */
  pass: string;
  /** Pre-registered as a visitor of `room`, then seen entering. */
  visitor: string;
}

async function search(page: Page, card: string, q: string): Promise<void> {
  await page.fill(`[data-testid=${card}] input[name=q]`, q);
}

/**
 * Staff keep the registry through the dashboard: a household and a vehicle by form, vehicles by CSV with a rejected
 * row reported by line, a visitor pre-registered; then the visitor's car enters and the lane shows ENTRY_VISITOR live.
 */
export async function registryJourney(page: Page, target: JourneyTarget, plates: RegistryPlates) {
  await login(page, target, target.credentials.staff);

  await open(page, target, '#/households');
  await page.click('[data-testid=households] [data-action=add]');
  const household = page.locator('[data-testid=household-form]');
  await household.locator('input[name=room]').fill(plates.room);
  await household.locator('input[name=owner]').fill('张三');
  await household.locator('button[type=submit]').click();
  await search(page, 'households', plates.room);
  await page.locator(`[data-testid=households-table] tr[data-key="${plates.room}"]`).waitFor(WAIT);
  await screenshot(page, 'staff-households');

  // The vehicle form's household picker offers the household just added.
  await open(page, target, '#/vehicles');
  await page.click('[data-testid=vehicles] [data-action=add]');
  const vehicle = page.locator('[data-testid=vehicle-form]');
  await vehicle.locator('input[name=plate]').fill(plates.resident);
  await vehicle
    .locator(`select[name=household] option[value="${plates.room}"]`)
    .waitFor({ state: 'attached', ...WAIT });
  await vehicle.locator('select[name=household]').selectOption(plates.room);
  await vehicle.locator('select[name=energy]').selectOption('electric');
  await vehicle.locator('button[type=submit]').click();
  await vehicle.waitFor({ state: 'detached', ...WAIT });

  const csv = [
    '车牌号,房号,车型',
    `${plates.csvGood},${plates.csvRoom},小型车`,
    `${plates.csvBad},${plates.csvRoom},飞机`,
    '',
  ];
  await page.fill('[data-testid=csv-import] textarea[name=csv]', csv.join('\n'));
  await page.click('[data-testid=csv-import] [data-action=import]');
  const report = page.locator('[data-testid=import-report]');
  await report.waitFor(WAIT);
  const rejected = await report.locator('[data-testid=import-rejected] li').allTextContents();
  const rejectedLines = await report
    .locator('[data-testid=import-rejected] li')
    .evaluateAll((items) => items.map((li) => li.getAttribute('data-line')));
  await search(page, 'vehicles', plates.resident.slice(0, 5));
  const rows = page.locator('[data-testid=vehicles-table] tbody tr');
  await page.locator(`[data-testid=vehicles-table] tr[data-key="${plates.csvGood}"]`).waitFor(WAIT);
  await page.locator(`[data-testid=vehicles-table] tr[data-key="${plates.resident}"]`).waitFor(WAIT);
  const vehicles = await rows.allTextContents();
  await screenshot(page, 'staff-vehicles');

  await open(page, target, '#/visitors');
  const visitorForm = page.locator('[data-testid=visitor-form]');
  await visitorForm.locator('input[name=plate]').fill(plates.visitor);
  await visitorForm.locator(`select[name=host] option[value="${plates.room}"]`).waitFor({ state: 'attached', ...WAIT });
  await visitorForm.locator('select[name=host]').selectOption(plates.room);
  await visitorForm.locator('button[type=submit]').click();
  await search(page, 'visitors', plates.visitor);
  const visitorRow = page.locator('[data-testid=visitors-table] tbody tr', { hasText: plates.visitor });
  await visitorRow.waitFor(WAIT);
  const visitor = await visitorRow.textContent();
  await screenshot(page, 'staff-visitors');

  // A monthly pass, valid from the gateway's today for 30 days by default.
  await open(page, target, '#/passes');
  await page.click('[data-testid=passes] [data-action=add]');
  const passForm = page.locator('[data-testid=pass-form]');
  await passForm.locator('input[name=plate]').fill(plates.pass);
  await passForm.locator('button[type=submit]').click();
  await search(page, 'passes', plates.pass);
  const passRow = page.locator('[data-testid=passes-table] tbody tr', { hasText: plates.pass });
  await passRow.waitFor(WAIT);
  const pass = await passRow.textContent();
  await screenshot(page, 'staff-passes');

  // The visitor's car at the gate: the live lane shows the decision with its reason code, without a reload.
  await open(page, target, '#/live');
  await lane(page, target, 'entry').waitFor(WAIT);
  await page.waitForSelector('[data-testid=stream-state][data-connected=true]', WAIT);
  await target.publishPlate('entry', plates.visitor, 0.98);
  const decision = lane(page, target, 'entry').locator('.recent tr', { hasText: plates.visitor }).first();
  await decision.waitFor(WAIT);
  const entry = await decision.textContent();
  await screenshot(page, 'staff-visitor-entry');
  await logout(page);
  return { rejected, rejectedLines, vehicles, visitor, pass, entry };
}
