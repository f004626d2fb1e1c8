import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../gateway/src/domain/clock.ts';
import type { RunningGateway } from '../../gateway/src/main.ts';
import { parseMessage, type ReportSummaryPayload } from '../../gateway/src/protocol/index.ts';
import { BureauAggregator } from '../../gateway/src/reports/bureau-aggregator.ts';
import { type RestartableServer, startInfluxDb1 } from '../servers.ts';
import { nextMessage, plateEvent } from '../support/community.ts';
import {
  identitiesOf,
  startTestBroker,
  startTestGateway,
  type TestBroker,
  type TestSite,
  writeSite,
} from '../support/harness.ts';
import { until } from './support/run-day.ts';

const TARIFF = resolve(import.meta.dirname, '../../tariffs/residential-guidance.yaml');

/** One community per gateway, with device ids of its own so they can share one broker. */
function siteYaml(site: string, capacity: number): string {
  return `
sites:
  - id: ${site}
    name: 小区${site}
    households: ${capacity}
    tariffs: [${JSON.stringify(TARIFF)}]
    zones:
      - { id: A, name: A区, capacity: ${capacity} }
    gates:
      - id: g1
        name: 大门
        lanes:
          - { lane: entry, camera: ${site}-cam-in, barrier: ${site}-bar-in, display: ${site}-led-in }
          - { lane: exit, camera: ${site}-cam-out, barrier: ${site}-bar-out, display: ${site}-led-out }
`;
}

/** Three gateways (one per community, own config and data dir), one broker, one InfluxDB, one bureau instance. */
describe('several gateways on one central broker and one InfluxDB, aggregated by a bureau instance', () => {
  const sites = [
    { id: 'east', capacity: 20, cars: 4 },
    { id: 'west', capacity: 10, cars: 9 },
    { id: 'north', capacity: 30, cars: 12 },
  ];
  let influx: RestartableServer;
  let broker: TestBroker;
  const gateways = new Map<string, RunningGateway>();
  const siteDirs: TestSite[] = [];
  const clock = new ManualClock(Date.parse('2026-03-02T08:00:00+08:00'));

  const connect = (username: string) => broker.connect(username);

  beforeAll(async () => {
    influx = await startInfluxDb1();
    const created = await fetch(`${influx.url}/query?q=${encodeURIComponent('CREATE DATABASE parking')}`, {
      method: 'POST',
    });
    expect(created.status).toBe(200);
    for (const s of sites) siteDirs.push(writeSite(siteYaml(s.id, s.capacity), { prefix: `site-${s.id}-` }));
    broker = await startTestBroker({
      identities: [
        ...identitiesOf(...siteDirs.map((d) => d.config)),
        ...sites.map((s) => ({ username: `gw-${s.id}`, identity: { role: 'gateway' as const, site: s.id } })),
      ],
    });
    const influxEnv = { INFLUX_URL: influx.url, INFLUX_MODE: 'v1', INFLUX_DB: 'parking' };
    for (const [i, s] of sites.entries()) {
      const site = siteDirs[i]!;
      gateways.set(s.id, await startTestGateway({ broker, site, clock, username: `gw-${s.id}`, influxEnv }));
    }
  });

  afterAll(async () => {
    await broker?.closeClients();
    for (const running of gateways.values()) await running.stop();
    await broker?.stop();
    await influx?.stop();
    for (const site of siteDirs) site.remove();
  });

  it('serves each community from its own gateway, and ranks them all in the bureau from their report topics', async () => {
    for (const s of sites) {
      const camera = await connect(`${s.id}-cam-in`);
      const led = await connect(`${s.id}-led-in`);
      for (let i = 0; i < s.cars; i++) {
        clock.advance(60_000);
        await nextMessage(led, `parking/${s.id}/gate/g1/display`, () =>
          camera.publishAsync(
            `parking/${s.id}/gate/g1/plate`,
            plateEvent(`${s.id}-cam-in`, 'entry', `苏E${s.id.length}${String(1000 + i)}`, clock.now()),
            { qos: 1 },
          ),
        );
      }
    }
    for (const s of sites) {
      const ledger = gateways.get(s.id)?.gateway.ledger;
      expect(ledger?.searchSessions(s.id, { limit: 100, offset: 0 }).total).toBe(s.cars);
      // Nothing of another community reached this gateway.
      expect(
        gateways.get(s.id)?.gateway.db.prepare('SELECT COUNT(*) AS n FROM sessions WHERE site <> ?').get(s.id),
      ).toEqual({ n: 0 });
    }

    const bureau = new BureauAggregator();
    const received = new Set<string>();
    const watcher = await connect('bureau');
    watcher.on('message', function onReport(topic, payload) {
      const parsed = parseMessage(topic, payload);
      if (!parsed.ok || parsed.kind !== 'report') return;
      expect(bureau.addPayload(parsed.payload)).toBe(true);
      received.add((parsed.payload as ReportSummaryPayload).site);
    });
    await watcher.subscribeAsync('parking/+/report/+', { qos: 1 });
    clock.set(Date.parse('2026-03-03T00:30:00+08:00'));
    for (const running of gateways.values()) await running.gateway.reports.runDue('daily');
    await until('a daily report from every community', () => sites.every((s) => received.has(s.id)), 30_000);

    const view = bureau.view('daily');
    expect(view.ranking.map((r) => r.site).sort()).toEqual(sites.map((s) => s.id).sort());
    // A few minutes of traffic in the whole day: every community's daily report says "not enough data" instead of
    // rating those minutes (#12.3), and the bureau still lists them all with the figures they have.
    for (const row of view.ranking) {
      expect(row.index).toBeNull();
      expect(row.level).toBeNull();
      expect(row.figures.completeness).toBeLessThan(0.5);
    }
    // The fullest community (9 cars in 10 spaces) shows the highest occupancy.
    const byOccupancy = [...view.ranking].sort(
      (a, b) => (b.figures.meanOccupancy ?? -1) - (a.figures.meanOccupancy ?? -1),
    );
    expect(byOccupancy[0]?.site).toBe('west');
    for (const s of sites) {
      expect(view.ranking.find((r) => r.site === s.id)?.figures.sessions).toBe(s.cars);
    }

    // Every gateway wrote its time series into the one InfluxDB.
    const q = encodeURIComponent('SHOW TAG VALUES FROM gate_decision WITH KEY = "site"');
    let influxSites: string[] = [];
    await until(
      'decisions of all three communities in InfluxDB',
      async () => {
        const body = (await (await fetch(`${influx.url}/query?db=parking&q=${q}`)).json()) as {
          results: { series?: { values: [string, string][] }[] }[];
        };
        influxSites = body.results[0]?.series?.[0]?.values.map((v) => v[1]) ?? [];
        return influxSites.length === sites.length;
      },
      30_000,
      200,
    );
    expect(influxSites.sort()).toEqual(sites.map((s) => s.id).sort());
  }, 120_000);
});
