import { computeIndicators } from '../gateway/src/domain/indicators/compute-indicators.ts';
import { DEFINITIONS } from '../gateway/src/domain/indicators/definitions.ts';
import { fixtureSite } from '../gateway/src/domain/indicators/indicator-fixtures.ts';
import type {
  GateDecisionRecord,
  OccupancyStep,
  ReportInput,
  SessionRecord,
} from '../gateway/src/domain/indicators/indicator-input.ts';
import { localToEpoch } from '../gateway/src/domain/indicators/local-time.ts';
import { renderReportCsv } from '../gateway/src/reports/render-csv.ts';
import { renderReportHtml } from '../gateway/src/reports/render-html.ts';
import type { Report } from '../gateway/src/reports/report.ts';
import { summarise } from '../gateway/src/reports/report.ts';

const DAY = 86_400_000;
const CLASSES = ['resident', 'visitor', 'temporary', 'monthly'] as const;

/** Deterministic PRNG (mulberry32) so every run reports on the same month. */
function rng(seed: number): () => number {
  let a = seed;
  return function next(): number {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A month of sessions on a site of `spaces` spaces, and the A(t) steps per zone they imply. */
export function monthOfEvents(spaces: number, sessionsPerDay: number, seed = 1): ReportInput {
  const zones = Math.min(40, Math.max(1, Math.round(spaces / 250)));
  const perZone = Math.floor(spaces / zones);
  const site = fixtureSite(
    Array.from({ length: zones }, () => perZone),
    { households: Math.round(spaces * 1.2) },
  );
  const from = localToEpoch('Asia/Shanghai', 2024, 3, 1);
  const to = localToEpoch('Asia/Shanghai', 2024, 4, 1);
  const random = rng(seed);
  const sessions: SessionRecord[] = [];
  const decisions: GateDecisionRecord[] = [];
  const deltas: { at: number; zone: number; d: number }[] = [];
  const total = Math.round(((to - from) / DAY) * sessionsPerDay);
  for (let i = 0; i < total; i++) {
    const zone = Math.floor(random() * zones);
    const entryAt = from + Math.floor(random() * (to - from));
    const dwell = Math.floor(-Math.log(1 - random()) * 5 * 3_600_000);
    const exitAt = entryAt + dwell < to ? entryAt + dwell : null;
    const userClass = CLASSES[Math.floor(random() * CLASSES.length)]!;
    const feeFen = userClass === 'temporary' || userClass === 'visitor' ? 500 * Math.ceil(dwell / 3_600_000) : 0;
    sessions.push({
      id: `s${i}`,
      zone: `z${zone + 1}`,
      entryAt,
      exitAt,
      userClass,
      vehicleClass: random() < 0.9 ? 'small' : 'large',
      feeFen,
      paidFen: feeFen,
      flags: { fuzzy: random() < 0.02, noEntryRecord: false, manualOpen: random() < 0.005, visitorOverstay: false },
    });
    decisions.push({ at: entryAt, lane: 'entry', action: 'allow', reason: 'ok', userClass });
    if (random() < 0.03) decisions.push({ at: entryAt, lane: 'entry', action: 'deny', reason: '车位已满', userClass });
    deltas.push({ at: entryAt, zone, d: 1 });
    if (exitAt !== null) deltas.push({ at: exitAt, zone, d: -1 });
  }
  deltas.sort((a, b) => a.at - b.at);
  const present = new Array<number>(zones).fill(0);
  const steps: OccupancyStep[][] = Array.from({ length: zones }, () => [{ at: from, present: 0 }]);
  for (const delta of deltas) {
    present[delta.zone]! += delta.d;
    steps[delta.zone]!.push({ at: delta.at, present: present[delta.zone]! });
  }
  return {
    site,
    from,
    to,
    capacityVersions: [{ zone: 'z1', from: from + 10 * DAY, capacity: Math.floor(perZone / 2), note: 'works' }],
    occupancy: steps.map((s, k) => ({ zone: `z${k + 1}`, holdMinutes: null, steps: s })),
    sessions,
    decisions,
    sensorDowntime: [],
    disagreement: [],
    registeredVehicles: Math.round(spaces * 1.1),
    facilities: {},
  };
}

/** Compute, summarise and render (CSV and HTML) one monthly report; seconds. */
function timeReport(input: ReportInput): number {
  const started = performance.now();
  const indicators = computeIndicators(input);
  const report: Report = {
    site: input.site.id,
    siteName: input.site.name,
    period: 'monthly',
    start: input.from,
    end: input.to,
    timeZone: input.site.timeZone,
    generatedAt: input.to,
    definitions: DEFINITIONS,
    indicators,
  };
  summarise(report);
  renderReportCsv(report);
  renderReportHtml(report);
  return (performance.now() - started) / 1000;
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  out['report.month_s'] = timeReport(monthOfEvents(1_000, 1_500));
  // 1.5 sessions per space per day, capped (quick: 5,000/day; full: 50,000/day) to keep memory sane.
  const cap = opts.quick ? 5_000 : 50_000;
  for (const [name, spaces] of [
    ['1k', 1_000],
    ['10k', 10_000],
    ['100k', 100_000],
  ] as const) {
    const perDay = Math.min(cap, spaces * 1.5);
    out[`report.scale_${name}_s`] = timeReport(monthOfEvents(spaces, perDay, spaces));
    out[`report.scale_${name}_sessions_per_day`] = perDay;
  }
  return out;
}
