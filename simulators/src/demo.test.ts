import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../gateway/src/app/logger.ts';
import type { TripEvent } from './community.ts';
import { type RunningDemo, startDemo } from './demo.ts';
import type { SimVehicle } from './population.ts';
import { GatewayApi } from './registry-sync.ts';

let dir: string;
const configFile = 'config/demo.yaml';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demo-e2e-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function tripOf(demo: RunningDemo, plate: string, kind: TripEvent['kind']): Promise<TripEvent> {
  return new Promise((resolveTrip) => {
    for (const community of demo.communities) {
      community.on('trip', function seen(trip: TripEvent) {
        if (trip.plate === plate && trip.kind === kind) resolveTrip(trip);
      });
    }
  });
}

describe('npm start: the whole demo in one process', () => {
  it('runs broker, gateway and simulated devices on one clock: residents enter, a temporary car pays and leaves', async () => {
    const trips: TripEvent[] = [];
    const demo = await startDemo({
      httpPort: 0,
      mqttPort: 0,
      wsPort: null,
      dataDir: join(dir, 'data'),
      configFile,
      // Monday 2026-01-05 09:00 in Asia/Shanghai, 10 simulated minutes per real second.
      start: Date.UTC(2026, 0, 5, 1, 0),
      speed: 600,
      scale: 0.1,
      seed: 'e2e',
      faults: {},
      log: silentLogger,
      onTrip: (t) => trips.push(t),
    });
    try {
      const yangguang = demo.communities.find((c) => c.site.id === 'yangguang')!;
      const car: SimVehicle = {
        plate: '津C77777',
        colour: 'blue',
        plateKind: 'standard',
        role: 'temporary',
        vehicleClass: 'small',
        energy: 'fuel',
      };
      const entered = tripOf(demo, car.plate, 'entered');
      yangguang.move({ at: demo.clock.now(), action: 'enter', vehicle: car });
      await entered;
      // 90 simulated minutes later it leaves: first hour free, then 2 元 per started hour.
      await demo.clock.sleep(90 * 60_000);
      const paid = tripOf(demo, car.plate, 'paid');
      const exited = tripOf(demo, car.plate, 'exited');
      yangguang.move({ at: demo.clock.now(), action: 'leave', vehicle: car });
      expect((await paid).detail).toMatch(/^\d+\.\d{2}元$/);
      await exited;

      const api = new GatewayApi(demo.httpUrl);
      await api.login(demo.credentials.staff.username, demo.credentials.staff.password);
      const page = await api.sessions('yangguang', { plate: car.plate });
      expect(page.items).toHaveLength(1);
      const session = page.items[0]!;
      expect(session.status).toBe('closed');
      const paidFen = Math.round(Number.parseFloat((await paid).detail!) * 100);
      expect(paidFen).toBeGreaterThan(0);
      expect(session.paidFen).toBe(paidFen);
      // Residents at home drove in at the start, and the ledger has their sessions too.
      const residentEntries = trips.filter(
        (t) => t.kind === 'entered' && t.role === 'resident' && t.site === 'yangguang',
      );
      expect(residentEntries.length).toBeGreaterThan(0);
      const all = await api.sessions('yangguang', { limit: 200 });
      const kinds = new Map(all.items.map((s) => [s.plate, s.credentialKind]));
      // Registered through the CSV import, so the gateway knows them as residents.
      for (const t of residentEntries) expect(kinds.get(t.plate)).toBe('resident');
      expect(kinds.get(car.plate)).toBe('temporary');

      // An outside camera joins with a login from the file the demo wrote (owner-only) and is served (#16).
      expect(demo.devicePasswordsPath).not.toBeNull();
      const file = demo.devicePasswordsPath ?? '';
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const { clients } = JSON.parse(await readFile(file, 'utf8')) as {
        clients: {
          username: string;
          password: string;
          identity: { role: string; site: string; gate?: string; device?: string };
        }[];
      };
      const site = demo.gateway.gateway.options.config.sites.find((x) => x.id === 'yangguang')!;
      const entryLane = site.gates
        .flatMap((g) => g.lanes.map((l) => ({ gate: g.id, ...l })))
        .find((l) => l.lane === 'entry')!;
      const login = clients.find(
        (c) =>
          c.identity.role === 'camera' && c.identity.device === entryLane.camera && c.identity.site === 'yangguang',
      );
      expect(login?.username).toBe(`yangguang-${entryLane.camera}`);
      const outside = await mqtt.connectAsync(demo.mqttUrl, {
        username: login!.username,
        password: login!.password,
        clientId: login!.username,
        reconnectPeriod: 0,
      });
      try {
        const read = {
          eventId: 'outside-000001',
          ts: demo.clock.now(),
          deviceId: entryLane.camera,
          lane: 'entry',
          plate: '晋K24680',
          colour: 'blue',
          confidence: 0.99,
          cameraId: entryLane.camera,
        };
        await outside.publishAsync(`parking/yangguang/gate/${entryLane.gate}/plate`, JSON.stringify(read), { qos: 1 });
        for (let i = 0; i < 100 && !demo.gateway.gateway.ledger.findOpenSession('yangguang', '晋K24680'); i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(demo.gateway.gateway.ledger.findOpenSession('yangguang', '晋K24680')).not.toBeNull();
      } finally {
        await outside.endAsync();
      }
    } finally {
      await demo.stop();
    }
  }, 60_000);
});
