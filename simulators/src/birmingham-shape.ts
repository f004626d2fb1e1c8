import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Hours of day covered by the Birmingham readings (08:00–16:59 local). */
export const BIRMINGHAM_HOURS = [8, 9, 10, 11, 12, 13, 14, 15, 16] as const;

/**
 * Mean occupancy ratio (occupied / capacity, all car parks pooled) per hour of BIRMINGHAM_HOURS, from
 * `computeBirminghamShape` over birmingham-parking-2016.csv (duplicates dropped, negatives clamped to 0).
 * Kept here so the simulator needs no data file; a test recomputes them from the file.
 */
export const BIRMINGHAM_WEEKDAY = [0.262, 0.399, 0.515, 0.591, 0.632, 0.646, 0.636, 0.589, 0.513] as const;
export const BIRMINGHAM_WEEKEND = [0.169, 0.208, 0.276, 0.364, 0.444, 0.5, 0.536, 0.536, 0.495] as const;

export interface BirminghamShape {
  weekday: number[];
  weekend: number[];
  /** Readings used (after dropping exact duplicates). */
  readings: number;
}

/** Pool every reading into its hour (08–16) and day type, and average occupancy/capacity. */
export function computeBirminghamShape(csvText: string): BirminghamShape {
  const sums = { weekday: new Array(24).fill(0), weekend: new Array(24).fill(0) };
  const counts = { weekday: new Array(24).fill(0), weekend: new Array(24).fill(0) };
  const seen = new Set<string>();
  let readings = 0;
  const lines = csvText.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const [id, capacityText, occupancyText, updated] = line.split(',');
    if (id === undefined || updated === undefined) continue;
    const key = `${id}|${updated}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})/.exec(updated);
    if (!m) continue;
    const minutes = Number(m[4]) * 60 + Number(m[5]);
    // Readings drift around :00 and :30; a reading at 08:58 belongs to 09:00's half hour, so round to the slot.
    const hour = Math.floor(Math.round(minutes / 30) / 2);
    const weekday = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
    const type = weekday === 0 || weekday === 6 ? 'weekend' : 'weekday';
    const ratio = Math.max(0, Number(occupancyText)) / Number(capacityText);
    sums[type][hour] += ratio;
    counts[type][hour]++;
    readings++;
  }
  const mean = (type: 'weekday' | 'weekend') =>
    BIRMINGHAM_HOURS.map((h) => Math.round((sums[type][h] / counts[type][h]) * 1000) / 1000);
  return { weekday: mean('weekday'), weekend: mean('weekend'), readings };
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the shared datasets are: `PARKING_DATASETS`, else `../shared/datasets` next to the repository. */
export function birminghamCsvPath(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.PARKING_DATASETS ?? resolve(repoRoot, '../shared/datasets'), 'birmingham-parking-2016.csv');
}

export function loadBirminghamShape(path = birminghamCsvPath()): BirminghamShape | null {
  return existsSync(path) ? computeBirminghamShape(readFileSync(path, 'utf8')) : null;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const shape = loadBirminghamShape();
  process.stdout.write(`${JSON.stringify(shape ?? 'dataset not found')}\n`);
}
