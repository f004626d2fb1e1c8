import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../domain/clock.ts';
import { InfluxHttp } from './influx-http.ts';
import { InfluxOutbox } from './influx-outbox.ts';
import { InfluxWriter } from './influx-writer.ts';
import { LocalSeriesStore } from './local-series-store.ts';
import { int, toLine } from './series-point.ts';
import { TimeSeriesConfig, timeSeriesConfigFromEnv } from './timeseries-config.ts';
import { TimeSeriesRecorder } from './timeseries-recorder.ts';

const DAY = 24 * 3600_000;

describe('TimeSeriesConfig', () => {
  it('reads INFLUX_* variables, empty ones as unset', () => {
    const parsed = timeSeriesConfigFromEnv({
      INFLUX_URL: 'http://influx:8086',
      INFLUX_TOKEN: 'tok',
      INFLUX_ORG: 'parking',
      INFLUX_BUCKET: 'parking',
      INFLUX_DB: '',
    });
    expect(parsed.success && parsed.data).toMatchObject({ url: 'http://influx:8086', mode: 'v2', bucket: 'parking' });
    expect(parsed.success && parsed.data.db).toBeUndefined();
    expect(timeSeriesConfigFromEnv({}).success).toBe(true);
  });

  it('names the missing field per mode', () => {
    const v2 = timeSeriesConfigFromEnv({ INFLUX_URL: 'http://x:8086', INFLUX_ORG: 'o' });
    expect(v2.success).toBe(false);
    expect(v2.error?.issues.map((i) => i.path.join('.'))).toEqual(['bucket']);
    const v1 = timeSeriesConfigFromEnv({ INFLUX_URL: 'http://x:8086', INFLUX_MODE: 'v1' });
    expect(v1.error?.issues.map((i) => i.path.join('.'))).toEqual(['db']);
  });

  it('builds the write path of each mode', () => {
    const v2 = new InfluxHttp({
      ...TimeSeriesConfig.parse({ url: 'http://x', org: 'o o', bucket: 'b' }),
      url: 'http://x',
    });
    expect(v2.writePath()).toBe('/api/v2/write?org=o+o&bucket=b&precision=ms');
    const v1 = TimeSeriesConfig.parse({ url: 'http://x', mode: 'v1', db: 'parking', rp: 'autogen' });
    expect(new InfluxHttp({ ...v1, url: 'http://x' }).writePath()).toBe('/write?db=parking&precision=ms&rp=autogen');
  });
});

describe('line protocol', () => {
  it('escapes tags, types fields and keeps ms timestamps', () => {
    const line = toLine({
      measurement: 'gate_decision',
      tags: { site: 'a b', reason: '车位已满', empty: '', none: undefined },
      fields: { count: int(1), latency_ms: 12.5, fuzzy: false, note: 'say "hi"' },
      ts: 1736092800123,
    });
    expect(line).toBe(
      'gate_decision,reason=车位已满,site=a\\ b count=1i,fuzzy=F,latency_ms=12.5,note="say \\"hi\\"" 1736092800123',
    );
  });

  it('turns decisions and payments into the documented tags and fields, no plate anywhere', () => {
    const points: string[] = [];
    const recorder = new TimeSeriesRecorder([{ append: (p) => points.push(...p.map(toLine)) }]);
    recorder.gateDecision({ site: 's', gate: 'g', lane: 'entry', decision: 'deny', reason: 'full', ts: 1 });
    recorder.revenue({
      site: 's',
      amountFen: 500,
      userClass: 'visitor',
      vehicleClass: 'small',
      method: 'wechat',
      ts: 2,
    });
    expect(points).toEqual([
      'gate_decision,decision=deny,gate=g,lane=entry,reason=full,site=s count=1i 1',
      'revenue,method=wechat,site=s,user_class=visitor,vehicle_class=small amount_fen=500i,count=1i 2',
    ]);
  });
});

describe('InfluxWriter back-off', () => {
  it('grows exponentially to the cap with the upper half jittered by the injected random', () => {
    const db = new Database(':memory:');
    const clock = new ManualClock(0);
    const config = TimeSeriesConfig.parse({
      url: 'http://127.0.0.1:9',
      org: 'o',
      bucket: 'b',
      minRetryDelayMs: 1000,
      maxRetryDelayMs: 60_000,
    });
    const http = new InfluxHttp({ ...config, url: 'http://127.0.0.1:9' });
    const low = new InfluxWriter(new InfluxOutbox(db, clock), http, config, clock, () => 0);
    const high = new InfluxWriter(new InfluxOutbox(db, clock), http, config, clock, () => 1);
    expect([1, 2, 3, 4].map((n) => low.backoffMs(n))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => high.backoffMs(n))).toEqual([1000, 2000, 4000, 8000]);
    expect(high.backoffMs(40)).toBe(60_000);
    expect(low.backoffMs(40)).toBe(30_000);
    expect(low.backoffMs(1, 5000)).toBe(5000);
    db.close();
  });
});

describe('LocalSeriesStore', () => {
  it('keeps points for the retention and prunes older ones by time', () => {
    const db = new Database(':memory:');
    const clock = new ManualClock(10 * DAY);
    const store = new LocalSeriesStore(db, clock, 7);
    const point = (ts: number) => ({ measurement: 'occupancy', tags: { site: 's' }, fields: { occupied: int(1) }, ts });
    store.append([point(2 * DAY), point(3 * DAY + 1), point(9 * DAY)]);
    expect(store.count('occupancy')).toBe(2);
    clock.set(12 * DAY);
    expect(store.prune()).toBe(1);
    expect(store.count()).toBe(1);
    db.close();
  });
});
