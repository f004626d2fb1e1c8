import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Site } from '../site.ts';
import { apportion, OccupancyEngine, OccupancyError } from './index.ts';

const T0 = Date.UTC(2025, 0, 6, 0, 0, 0);
const S = 1000;
const MIN = 60 * S;

function spaces(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i + 1}`, sensor: `sn-${prefix}${i + 1}` }));
}

const gate = { id: 'g1', name: '东门', lanes: [{ lane: 'entry', camera: 'c1', barrier: 'b1', display: 'd1' }] };

/** Zone A: 4 sensored spaces; zones B (6) and C (4) counted at the gates. Capacity 14, overflow limit 16. */
const mixed = Site.parse({
  id: 'mixed',
  name: '混合小区',
  households: 20,
  tariffs: ['t.yaml'],
  gates: [gate],
  zones: [
    { id: 'A', name: '地面A', capacity: 4, spaces: spaces('A', 4) },
    { id: 'B', name: '地库B', capacity: 6 },
    { id: 'C', name: '地库C', capacity: 4 },
  ],
});

/** Every space sensored: capacity 10, almostFull at 0.8. */
const sensored = Site.parse({
  id: 'sensored',
  name: '全传感小区',
  households: 10,
  tariffs: ['t.yaml'],
  gates: [gate],
  thresholds: { almostFull: 0.8, full: 1 },
  zones: [{ id: 'Z', name: '全区', capacity: 10, spaces: spaces('Z', 10) }],
});

function engine() {
  return new OccupancyEngine([mixed, sensored], {
    debounceMs: 10 * S,
    flapping: { maxChanges: 4, windowMs: 2 * MIN },
    heartbeatTimeoutMs: 15 * MIN,
    overflowShare: 0.1,
    sensorReconcileAfterMs: 5 * MIN,
  });
}

function stateOf(e: OccupancyEngine, site: string, space: string, at: number) {
  return e.spaces(site, at).find((s) => s.id === space);
}

describe('space sensors', () => {
  it('takes a first reading at once and debounces later changes', () => {
    const e = engine();
    expect(stateOf(e, 'mixed', 'A1', T0)?.state).toBe('unknown');
    const first = e.applyReading({ site: 'mixed', space: 'A1', occupied: true, ts: T0 });
    expect(first).toEqual({
      ok: true,
      change: { site: 'mixed', space: 'A1', zone: 'A', at: T0, from: null, to: 'occupied', flapping: false },
    });
    // A bounce shorter than the debounce time changes nothing.
    expect(e.applyReading({ site: 'mixed', space: 'A1', occupied: false, ts: T0 + MIN })).toEqual({
      ok: true,
      change: null,
    });
    e.applyReading({ site: 'mixed', space: 'A1', occupied: true, ts: T0 + MIN + 3 * S });
    expect(e.tick(T0 + MIN + 20 * S).changes).toEqual([]);
    expect(stateOf(e, 'mixed', 'A1', T0 + MIN + 20 * S)?.state).toBe('occupied');
    // A change that holds is shown once the debounce time has passed.
    e.applyReading({ site: 'mixed', space: 'A1', occupied: false, ts: T0 + 2 * MIN });
    expect(e.snapshot('mixed', T0 + 2 * MIN + 9 * S).zones[0]?.occupied).toBe(1);
    expect(e.snapshot('mixed', T0 + 2 * MIN + 10 * S).zones[0]?.occupied).toBe(0);
    expect(e.tick(T0 + 2 * MIN + 10 * S).changes).toEqual([
      {
        site: 'mixed',
        space: 'A1',
        zone: 'A',
        at: T0 + 2 * MIN + 10 * S,
        from: 'occupied',
        to: 'free',
        flapping: false,
      },
    ]);
  });

  it('keeps a flooding sensor’s change history bounded (#25): only what can decide flapping', () => {
    const e = engine();
    for (let i = 0; i < 10_000; i++) e.applyReading({ site: 'mixed', space: 'A2', occupied: i % 2 === 0, ts: T0 + i });
    const track = (
      e as unknown as { sites: Map<string, { track: { spaces: Record<string, { changes: number[] }> } }> }
    ).sites.get('mixed')!.track.spaces.A2!;
    // maxChanges is 4: the last five changes are all that can tell whether more than four fell in the window.
    expect(track.changes).toEqual([T0 + 9_995, T0 + 9_996, T0 + 9_997, T0 + 9_998, T0 + 9_999]);
    expect(stateOf(e, 'mixed', 'A2', T0 + 10_000)).toMatchObject({ flapping: true });
  });

  it('marks a flapping sensor, keeps its last stable state, and releases it once a state holds for the window', () => {
    const e = engine();
    e.applyReading({ site: 'mixed', space: 'A2', occupied: false, ts: T0 });
    const results = [1, 2, 3, 4, 5].map((i) =>
      e.applyReading({ site: 'mixed', space: 'A2', occupied: i % 2 === 1, ts: T0 + i * 5 * S }),
    );
    // Four changes are tolerated; the fifth within two minutes is flapping.
    expect(results.slice(0, 4).every((r) => r.ok && r.change === null)).toBe(true);
    expect(results[4]).toMatchObject({ ok: true, change: { to: 'free', flapping: true } });
    expect(stateOf(e, 'mixed', 'A2', T0 + 30 * S)).toMatchObject({ state: 'free', flapping: true });
    expect(e.snapshot('mixed', T0 + 30 * S).sensor?.flapping).toBe(1);
    // Last raw state (occupied since T0+25 s) holds for the window: flapping ends, the state is taken.
    expect(stateOf(e, 'mixed', 'A2', T0 + 25 * S + 2 * MIN - 1)).toMatchObject({ flapping: true });
    const { changes } = e.tick(T0 + 25 * S + 2 * MIN);
    expect(changes).toEqual([
      {
        site: 'mixed',
        space: 'A2',
        zone: 'A',
        at: T0 + 25 * S + 2 * MIN,
        from: 'free',
        to: 'occupied',
        flapping: false,
      },
    ]);
  });

  it('turns a silent sensor unknown after the heartbeat timeout and takes its next message at once', () => {
    const e = engine();
    e.applyReading({ site: 'mixed', space: 'A3', occupied: true, ts: T0 });
    for (const space of ['A1', 'A2', 'A4'])
      e.applyReading({ site: 'mixed', space, occupied: false, ts: T0 + 10 * MIN });
    expect(e.tick(T0 + 15 * MIN).changes).toEqual([]);
    const { changes } = e.tick(T0 + 15 * MIN + 1);
    expect(changes).toMatchObject([{ space: 'A3', from: 'occupied', to: 'unknown' }]);
    const zoneA = e.snapshot('mixed', T0 + 16 * MIN).zones[0];
    expect(zoneA).toMatchObject({ occupied: 0, unknown: 1, free: 3 });
    // Back with a different state: no debounce against a stale state.
    const back = e.applyReading({ site: 'mixed', space: 'A3', occupied: false, ts: T0 + 20 * MIN });
    expect(back).toMatchObject({ ok: true, change: { from: 'unknown', to: 'free' } });
  });

  it('shows an offline sensor (MQTT will) as offline, not free, and brings it back when it is online again', () => {
    const e = engine();
    for (const space of ['A1', 'A2', 'A3', 'A4']) e.applyReading({ site: 'mixed', space, occupied: false, ts: T0 });
    const will = e.applyStatus({ site: 'mixed', device: 'sn-A4', online: false, ts: T0 + MIN });
    expect(will).toMatchObject({ ok: true, change: { from: 'free', to: 'offline' } });
    expect(e.snapshot('mixed', T0 + MIN).zones[0]).toMatchObject({ free: 3, unknown: 1, occupied: 0 });
    expect(e.snapshot('mixed', T0 + MIN).sensor?.offline).toBe(1);
    expect(e.applyStatus({ site: 'mixed', device: 'sn-A4', online: true, ts: T0 + 2 * MIN })).toMatchObject({
      change: { from: 'offline', to: 'free' },
    });
    // A reading newer than an offline status also proves the device is back.
    e.applyStatus({ site: 'mixed', device: 'sn-A4', online: false, ts: T0 + 3 * MIN });
    expect(e.applyReading({ site: 'mixed', space: 'A4', occupied: false, ts: T0 + 4 * MIN })).toMatchObject({
      change: { from: 'offline', to: 'free' },
    });
    expect(e.applyStatus({ site: 'mixed', device: 'camera-1', online: false, ts: T0 })).toEqual({
      ok: false,
      reason: 'unknownDevice',
    });
  });

  it('ignores and counts readings older than the last applied one for that space', () => {
    const e = engine();
    e.applyReading({ site: 'mixed', space: 'A1', occupied: true, ts: T0 + MIN });
    expect(e.applyReading({ site: 'mixed', space: 'A1', occupied: false, ts: T0 })).toEqual({
      ok: false,
      reason: 'outOfOrder',
    });
    expect(e.snapshot('mixed', T0 + 2 * MIN).counters.outOfOrder).toBe(1);
    expect(stateOf(e, 'mixed', 'A1', T0 + 2 * MIN)?.state).toBe('occupied');
    expect(e.applyReading({ site: 'nowhere', space: 'A1', occupied: true, ts: T0 })).toEqual({
      ok: false,
      reason: 'unknownSite',
    });
    expect(e.applyReading({ site: 'mixed', space: 'B1', occupied: true, ts: T0 })).toEqual({
      ok: false,
      reason: 'unknownSpace',
    });
  });
});

describe('gate counts', () => {
  it('shares what the gate count leaves after the sensored zones over the other zones by capacity', () => {
    const e = engine();
    e.applyReading({ site: 'mixed', space: 'A1', occupied: true, ts: T0 });
    e.applyReading({ site: 'mixed', space: 'A2', occupied: true, ts: T0 });
    e.applyReading({ site: 'mixed', space: 'A3', occupied: false, ts: T0 });
    e.applyReading({ site: 'mixed', space: 'A4', occupied: false, ts: T0 });
    for (let i = 0; i < 7; i++) e.applyPassage({ site: 'mixed', lane: 'entry', ts: T0 + i * S });
    const snap = e.snapshot('mixed', T0 + MIN);
    expect(snap.zones.map((z) => [z.id, z.source, z.occupied, z.free])).toEqual([
      ['A', 'sensor', 2, 2],
      ['B', 'gate', 3, 3],
      ['C', 'gate', 2, 2],
    ]);
    expect(snap).toMatchObject({ capacity: 14, occupied: 7, free: 7, gateCount: 7, disagreement: 0 });
  });

  it('clamps entries minus exits to [0, capacity + overflow allowance] and counts the clamps', () => {
    const e = engine();
    expect(e.applyPassage({ site: 'mixed', lane: 'exit', ts: T0 })).toEqual({ ok: true, gateCount: 0, clamped: true });
    for (let i = 0; i < 20; i++) e.applyPassage({ site: 'mixed', lane: 'entry', ts: T0 + i });
    const snap = e.snapshot('mixed', T0 + MIN);
    expect(snap.gateCount).toBe(16);
    expect(snap.counters.clamped).toBe(5);
    // With zone A unknown, B and C carry the overflow: 10 capacity + 1 allowance.
    expect(snap.zones.map((z) => z.occupied)).toEqual([0, 7, 4]);
    expect(snap.zones.map((z) => z.free)).toEqual([0, 0, 0]);
  });

  it('corrects drift from the sensors on a fully sensored site once the disagreement has lasted', () => {
    const e = engine();
    for (let i = 1; i <= 10; i++) e.applyReading({ site: 'sensored', space: `Z${i}`, occupied: i <= 6, ts: T0 });
    for (let i = 0; i < 9; i++) e.applyPassage({ site: 'sensored', lane: 'entry', ts: T0 });
    expect(e.snapshot('sensored', T0).disagreement).toBe(3);
    expect(e.tick(T0 + MIN).corrections).toEqual([]);
    expect(e.tick(T0 + 5 * MIN).corrections).toEqual([]);
    const { corrections } = e.tick(T0 + 6 * MIN);
    expect(corrections).toEqual([
      { at: T0 + 6 * MIN, site: 'sensored', zone: null, before: 9, after: 6, source: 'sensor', by: 'sensors' },
    ]);
    expect(e.snapshot('sensored', T0 + 6 * MIN)).toMatchObject({ gateCount: 6, disagreement: 0 });
    expect(e.corrections('sensored')).toEqual(corrections);
  });

  it('does not correct from sensors while one of them is unknown', () => {
    const e = engine();
    for (let i = 1; i <= 9; i++) e.applyReading({ site: 'sensored', space: `Z${i}`, occupied: false, ts: T0 });
    e.applyPassage({ site: 'sensored', lane: 'entry', ts: T0 });
    e.tick(T0 + MIN);
    expect(e.tick(T0 + 10 * MIN).corrections).toEqual([]);
    expect(e.snapshot('sensored', T0 + 10 * MIN).gateCount).toBe(1);
  });

  it('takes staff counts for the site and for a zone counted alone, and refuses the others', () => {
    const e = engine();
    for (let i = 0; i < 5; i++) e.applyPassage({ site: 'mixed', lane: 'entry', ts: T0 });
    const site = e.staffCount({ site: 'mixed', count: 8, by: 'staff-li', at: T0 + MIN });
    expect(site).toEqual({
      ok: true,
      correction: { at: T0 + MIN, site: 'mixed', zone: null, before: 5, after: 8, source: 'staff', by: 'staff-li' },
    });
    expect(e.snapshot('mixed', T0 + MIN).gateCount).toBe(8);
    expect(e.staffCount({ site: 'mixed', zone: 'A', count: 1, by: 'x', at: T0 })).toEqual({
      ok: false,
      reason: 'zoneHasSensors',
    });
    expect(e.staffCount({ site: 'mixed', zone: 'B', count: 1, by: 'x', at: T0 })).toEqual({
      ok: false,
      reason: 'zoneNotCountedAlone',
    });
    const single = new OccupancyEngine([Site.parse({ ...mixed, zones: [mixed.zones[0], mixed.zones[1]] })]);
    single.applyReading({ site: 'mixed', space: 'A1', occupied: true, ts: T0 });
    const zone = single.staffCount({ site: 'mixed', zone: 'B', count: 4, by: 'staff-wang', at: T0 });
    expect(zone).toMatchObject({ ok: true, correction: { zone: 'B', before: 0, after: 4 } });
    expect(single.snapshot('mixed', T0)).toMatchObject({ gateCount: 5, occupied: 5 });
  });
});

describe('status and snapshot', () => {
  it('moves open → almostFull → full by the site thresholds, and closed when staff close it', () => {
    const e = engine();
    let at = T0;
    const statusAt = (occupied: number) => {
      at += MIN;
      for (let i = 1; i <= 10; i++)
        e.applyReading({ site: 'sensored', space: `Z${i}`, occupied: i <= occupied, ts: at });
      at += 10 * S;
      return e.snapshot('sensored', at).status;
    };
    expect(statusAt(0)).toBe('open');
    expect(statusAt(7)).toBe('open');
    expect(statusAt(8)).toBe('almostFull');
    expect(statusAt(9)).toBe('almostFull');
    expect(statusAt(10)).toBe('full');
    expect(statusAt(3)).toBe('open');
    e.setClosed('sensored', null, true);
    expect(e.snapshot('sensored', at)).toMatchObject({ status: 'closed', free: 7 });
    e.setClosed('sensored', null, false);
    e.setClosed('sensored', 'Z', true);
    const snap = e.snapshot('sensored', at);
    expect(snap.zones[0]?.status).toBe('closed');
    expect(snap.status).toBe('open');
    expect(e.setClosed('sensored', 'nope', true)).toEqual({ ok: false, reason: 'unknownZone' });
  });

  it('reports freshness as the age of the oldest contributing input', () => {
    const e = engine();
    e.applyReading({ site: 'mixed', space: 'A1', occupied: true, ts: T0 });
    e.applyReading({ site: 'mixed', space: 'A2', occupied: true, ts: T0 + 2 * MIN });
    e.applyPassage({ site: 'mixed', lane: 'entry', ts: T0 + 3 * MIN });
    expect(e.snapshot('mixed', T0 + 5 * MIN).freshness).toEqual({
      ts: T0 + 5 * MIN,
      oldestInputAt: T0,
      oldestInputAgeMs: 5 * MIN,
    });
    expect(() => e.snapshot('nowhere', T0)).toThrow(OccupancyError);
    try {
      e.snapshot('nowhere', T0);
    } catch (error) {
      expect((error as OccupancyError).code).toBe('OCCUPANCY_UNKNOWN_SITE');
    }
  });

  it('exports its state as JSON and a new engine restores the same figures', () => {
    const e = engine();
    e.applyReading({ site: 'mixed', space: 'A1', occupied: true, ts: T0 });
    e.applyReading({ site: 'mixed', space: 'A2', occupied: true, ts: T0 });
    e.applyReading({ site: 'mixed', space: 'A2', occupied: false, ts: T0 + S });
    e.applyStatus({ site: 'mixed', device: 'sn-A3', online: false, ts: T0 });
    for (let i = 0; i < 6; i++) e.applyPassage({ site: 'mixed', lane: 'entry', ts: T0 });
    e.setClosed('mixed', 'C', true);
    const json = JSON.parse(JSON.stringify(e.exportState()));
    const restored = engine();
    expect(restored.importState(json)).toEqual({ ok: true });
    expect(restored.snapshot('mixed', T0 + MIN)).toEqual(e.snapshot('mixed', T0 + MIN));
    expect(restored.spaces('mixed', T0 + MIN)).toEqual(e.spaces('mixed', T0 + MIN));
    expect(restored.importState({ version: 2 })).toMatchObject({ ok: false });
  });
});

describe('apportion', () => {
  it('splits a total in integers that add up and stay within one of the exact share', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.array(fc.nat(100), { minLength: 1, maxLength: 8 }), (total, weights) => {
        const shares = apportion(total, weights);
        const sum = weights.reduce((a, b) => a + b, 0);
        if (sum === 0) return shares.every((s) => s === 0);
        const exact = weights.map((w) => (total * w) / sum);
        return shares.reduce((a, b) => a + b, 0) === total && shares.every((s, i) => Math.abs(s - (exact[i] ?? 0)) < 1);
      }),
    );
  });
});
