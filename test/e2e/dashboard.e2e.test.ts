import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { silentLogger } from '../../gateway/src/app/logger.ts';
import { type RunningDemo, startDemo } from '../../simulators/src/demo.ts';
import { ensureDashboardBuilt, launchBrowser, ROOT, type TestBrowser } from './browser.ts';
import { bureauJourney, type JourneyTarget, publicJourney, staffJourney } from './dashboard-journey.ts';
import { registryJourney } from './registry-journey.ts';

let dir: string;
let demo: RunningDemo;
let browser: TestBrowser;
let target: JourneyTarget;

beforeAll(async () => {
  // The gateway serves dashboard/dist only if it exists when it starts.
  ensureDashboardBuilt();
  dir = await mkdtemp(join(tmpdir(), 'dashboard-e2e-'));
  const config = parse(await readFile(join(ROOT, 'config/demo.yaml'), 'utf8'));
  for (const site of config.sites) site.tariffs = site.tariffs.map((t: string) => resolve(ROOT, 'config', t));
  const configFile = join(dir, 'demo.yaml');
  await writeFile(configFile, stringify(config));
  demo = await startDemo({
    httpPort: 0,
    mqttPort: 0,
    wsPort: null,
    dataDir: join(dir, 'data'),
    configFile,
    start: Date.UTC(2026, 0, 5, 1, 0),
    speed: 60,
    scale: 0.05,
    seed: 'dashboard-e2e',
    faults: {},
    log: silentLogger,
  });
  const community = demo.communities[0]!;
  const entry = community.devices.entryLanes[0]!;
  const exit = community.devices.exitLanes.find((rig) => rig.gate.id === entry.gate.id)!;
  target = {
    httpUrl: demo.httpUrl,
    credentials: demo.credentials,
    site: community.site.id,
    gate: entry.gate.id,
    async publishPlate(lane, plate, confidence) {
      const camera = (lane === 'entry' ? entry : exit).camera;
      // The simulated camera publishes as itself; a misread (one OCR confusion) comes with a low confidence.
      camera.missRate = 0;
      camera.misreadRate = confidence < 0.9 ? 1 : 0;
      const read = await camera.read(lane, plate, 'blue');
      return read.plate;
    },
  };
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function adminToken(): Promise<string> {
  const reply = await fetch(`${demo.httpUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(demo.credentials.admin),
  });
  return ((await reply.json()) as { token: string }).token;
}

describe('dashboard in headless Chromium against the running demo', () => {
  it('staff see an entry live, confirm a fuzzy exit read, open a barrier with a reason and find it audited', async () => {
    const page = await browser.newPage();
    const resident = '京A7E123';
    const result = await staffJourney(page, target, { resident });
    expect(result.fuzzyRead).not.toBe(resident);
    expect(result.exceptionId).toBeTruthy();
    expect(result.audit).toContain('e2e 救护车通行');
    expect(result.audit).toContain('exception.confirm');
    expect(result.session).toContain(resident);
    await page.close();
  });

  it('staff add a household, a vehicle, a CSV import and a visitor, whose entry shows live as ENTRY_VISITOR', async () => {
    const page = await browser.newPage();
    const plates = {
      room: '9栋1单元901',
      csvRoom: '9栋1单元902',
      resident: '京E2E001',
      csvGood: '京E2E002',
      csvBad: '京E2E003',
      pass: '京E2E004',
      visitor: '京E2E009',
    };
    const result = await registryJourney(page, target, plates);
    // The CSV's header is line 1: the bad row (an unknown vehicle class) is line 3, reported with its reason.
    expect(result.rejectedLines).toEqual(['3']);
    expect(result.rejected[0]).toContain('第 3 行');
    expect(result.rejected[0]).toContain('飞机');
    const vehicles = result.vehicles.join('\n');
    expect(vehicles).toContain(plates.resident);
    expect(vehicles).toContain(plates.csvGood);
    expect(vehicles).not.toContain(plates.csvBad);
    expect(vehicles).toContain(plates.csvRoom);
    expect(result.visitor).toContain(plates.room);
    expect(result.pass).toContain('月卡');
    expect(result.entry).toContain('ENTRY_VISITOR');
    const registry = demo.gateway.gateway.registry;
    expect(registry.vehicles.get(target.site, plates.resident)).toMatchObject({
      household: plates.room,
      energy: 'electric',
    });
    expect(registry.households.get(target.site, plates.csvRoom)).toMatchObject({ room: plates.csvRoom });
    await page.close();
  });

  it('the bureau sees every community ranked with trends and definitions, and opens a report', async () => {
    const token = await adminToken();
    for (const community of demo.communities) {
      // The two days before the demo's start: whole periods that have ended, so the trend has two points.
      for (const daysBack of [2, 1]) {
        const reply = await fetch(`${demo.httpUrl}/api/sites/${community.site.id}/reports/daily/generate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ at: demo.clock.now() - daysBack * 86_400_000 }),
        });
        expect(reply.status, await reply.clone().text()).toBe(200);
      }
    }
    const page = await browser.newPage();
    const result = await bureauJourney(page, target);
    expect(result.rows).toBe(demo.communities.length);
    expect(result.actsHidden).toBe(true);
    expect(result.peakTitle).toContain('15分钟');
    // Names, formulas, weights and levels come from /api/indicators/definitions.
    expect(result.definitions).toContain('高峰占用率');
    expect(result.definitions).toContain('15分钟');
    expect(result.definitions).toContain('严重');
    expect(result.figures).toContain('∫C dt');
    expect(result.trend).toMatch(/停车难指数/);
    expect(result.reportText ?? '').toMatch(/停车难指数|指数/);
    await page.close();
  });

  it('the public sees free spaces and the published tariff and looks up the fee for a plate inside', async () => {
    const plate = '京B6C789';
    await target.publishPlate('entry', plate, 0.98);
    const page = await browser.newPage();
    const result = await publicJourney(page, target, plate);
    expect(result.tariff).toMatch(/元/);
    expect(result.fee).toContain(plate);
    expect(result.fee).toMatch(/¥\d+\.\d\d/);
    // Time parked is the gateway's quote time minus the entry time (its clock runs at 60× here).
    expect(result.parked).toMatch(/已停\s*(\d+天)?(\d+小时)?\d+分/);
    await page.close();
  });
});
