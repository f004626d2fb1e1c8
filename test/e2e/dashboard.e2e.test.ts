import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { silentLogger } from '../../gateway/src/app/logger.ts';
import { type RunningDemo, startDemo } from '../../simulators/src/demo.ts';
import { ensureDashboardBuilt, launchBrowser, ROOT, type TestBrowser } from './browser.ts';
import { bureauJourney, type JourneyTarget, publicJourney, staffJourney } from './dashboard-journey.ts';

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

  it('the bureau sees every community in the evaluation table and opens a report', async () => {
    const token = await adminToken();
    for (const community of demo.communities) {
      const reply = await fetch(`${demo.httpUrl}/api/sites/${community.site.id}/reports/daily/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        // The day before the demo's start: a whole period that has ended.
        body: JSON.stringify({ at: demo.clock.now() - 86_400_000 }),
      });
      expect(reply.status, await reply.clone().text()).toBe(200);
    }
    const page = await browser.newPage();
    const result = await bureauJourney(page, target);
    expect(result.rows).toBe(demo.communities.length);
    expect(result.actsHidden).toBe(true);
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
    await page.close();
  });
});
