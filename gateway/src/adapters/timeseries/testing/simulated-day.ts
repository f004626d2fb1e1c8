import { OccupancyEngine } from '../../../domain/occupancy/index.ts';
import { Site } from '../../../domain/site.ts';
import type { SeriesPoint } from '../series-point.ts';
import type { PointSink } from '../timeseries-recorder.ts';
import { TimeSeriesRecorder } from '../timeseries-recorder.ts';

export const DAY_START = Date.UTC(2025, 0, 6, -8, 0, 0); // 2025-01-06 00:00 Asia/Shanghai
const STEP_MS = 5 * 60_000;

export const simulatedSite = Site.parse({
  id: 'sim-1',
  name: '模拟小区',
  households: 60,
  tariffs: ['t.yaml'],
  gates: [{ id: 'east', name: '东门', lanes: [{ lane: 'entry', camera: 'c1', barrier: 'b1', display: 'd1' }] }],
  zones: [
    {
      id: 'ground',
      name: '地面',
      capacity: 12,
      spaces: Array.from({ length: 12 }, (_, i) => ({ id: `g${i}`, sensor: `s${i}` })),
    },
    { id: 'garage', name: '地库', capacity: 30 },
  ],
});

/** A small deterministic generator (mulberry32), so a day is the same in every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Counts what a sink receives, per measurement. */
export class CountingSink implements PointSink {
  readonly counts = new Map<string, number>();
  append(points: readonly SeriesPoint[]): void {
    for (const p of points) this.counts.set(p.measurement, (this.counts.get(p.measurement) ?? 0) + 1);
  }
  total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }
}

/**
 * A day of one community through the real occupancy engine: sensor readings, gate passages and decisions every
 * 5 minutes, an occupancy snapshot per step. `steps` limits the day (288 steps = 24 h); `onStep` runs after each.
 */
export async function simulateDay(
  sinks: readonly PointSink[],
  options: { steps?: number; onStep?: (step: number) => Promise<void> | void } = {},
): Promise<void> {
  const recorder = new TimeSeriesRecorder(sinks);
  const engine = new OccupancyEngine([simulatedSite], { debounceMs: 10_000 });
  const random = seeded(42);
  const steps = options.steps ?? 288;
  for (let step = 0; step < steps; step++) {
    const at = DAY_START + step * STEP_MS;
    for (let i = 0; i < 12; i++) {
      if (random() < 0.15) {
        const result = engine.applyReading({
          site: 'sim-1',
          space: `g${i}`,
          occupied: random() < 0.6,
          ts: at + i * 100,
        });
        if (result.ok && result.change) recorder.spaceChange(result.change);
      }
    }
    const arrivals = Math.floor(random() * 3);
    for (let k = 0; k < arrivals; k++) {
      const ts = at + 2000 + k * 1000;
      const lane = random() < 0.5 ? 'entry' : 'exit';
      const deny = lane === 'entry' && random() < 0.1;
      recorder.gateDecision({
        site: 'sim-1',
        gate: 'east',
        lane,
        decision: deny ? 'deny' : 'allow',
        reason: deny ? 'full' : lane === 'entry' ? 'resident' : 'paid',
        class: 'resident',
        latencyMs: 5 + random() * 20,
        fuzzy: random() < 0.05,
        ts,
      });
      if (!deny) {
        engine.applyPassage({ site: 'sim-1', gate: 'east', lane, ts: ts + 500 });
        recorder.gatePassage({ site: 'sim-1', gate: 'east', lane, ts: ts + 500 });
      }
    }
    for (const change of engine.tick(at + 60_000).changes) recorder.spaceChange(change);
    recorder.occupancy(engine.snapshot('sim-1', at + 60_000));
    await options.onStep?.(step);
  }
}
