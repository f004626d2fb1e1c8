import type { HoldRules, SourceKind } from './definitions.ts';
import type { DailyWindow, ZoneOccupancy } from './indicator-input.ts';
import { localParts, localToEpoch } from './local-time.ts';

/** How a zone's readings were counted: printed on every report beside the figures they make (#12.1, #12.2). */
export interface SourceRule {
  source: SourceKind;
  /** A reading counts until the next one, or this long at most; null: until the next one (a change log). */
  holdMinutes: number | null;
  hold: { zh: string; en: string };
  /** The local daily windows the source is expected to observe, e.g. '08:00–16:30'; '00:00–24:00' for all day. */
  expectedWindow: string;
}

const SOURCE_NAMES: Record<SourceKind, { zh: string; en: string }> = {
  sensor: { zh: '车位传感器', en: 'space sensors' },
  count: { zh: '道闸计数', en: 'gate count' },
  feed: { zh: '导入数据', en: 'imported feed' },
};

function holdMinutesOf(
  occupancy: Pick<ZoneOccupancy, 'source' | 'feed' | 'holdMinutes'>,
  rules: HoldRules,
): number | null {
  if (occupancy.holdMinutes !== undefined) return occupancy.holdMinutes;
  const source = occupancy.source ?? 'count';
  if (source === 'sensor') return rules.sensorMinutes;
  if (source === 'count') return rules.countMinutes;
  const feed = occupancy.feed;
  return feed ? Math.min(rules.feedMinutes, feed.intervalMinutes + feed.toleranceMinutes) : rules.feedMinutes;
}

function windowText(w: DailyWindow): string {
  return `${w.from}–${w.to}`;
}

export function sourceRule(occupancy: ZoneOccupancy | undefined, rules: HoldRules): SourceRule {
  const source = occupancy?.source ?? 'count';
  const holdMinutes = holdMinutesOf(occupancy ?? {}, rules);
  const name = SOURCE_NAMES[source];
  const feed = occupancy?.feed;
  const why =
    source === 'feed' && feed
      ? {
          zh: `（采样间隔${feed.intervalMinutes}分钟${feed.toleranceMinutes > 0 ? `，允许延迟${feed.toleranceMinutes}分钟` : ''}）`,
          en: ` (sampled every ${feed.intervalMinutes} min${feed.toleranceMinutes > 0 ? `, up to ${feed.toleranceMinutes} min late` : ''})`,
        }
      : { zh: '', en: '' };
  const hold =
    holdMinutes === null
      ? {
          zh: `${name.zh}：变化记录，每个读数保持到下一个读数，缺失时段由记录标出`,
          en: `${name.en}: a change log, each reading holds until the next, missing stretches marked in it`,
        }
      : {
          zh: `${name.zh}：每个读数保持到下一个读数，最长${holdMinutes}分钟${why.zh}；超过即为缺失`,
          en: `${name.en}: a reading holds until the next one, at most ${holdMinutes} min${why.en}; longer is missing data`,
        };
  return {
    source,
    holdMinutes,
    hold,
    expectedWindow: occupancy?.expected ? occupancy.expected.map(windowText).join(', ') : '00:00–24:00',
  };
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * The instants of [from, to) inside the daily windows, local time, merged and in order. A window whose `from` is after
 * its `to` runs past midnight; a local day is whatever its clock shows (23 or 25 hours on a DST change).
 */
export function expectedIntervals(
  windows: readonly DailyWindow[] | undefined,
  from: number,
  to: number,
  timeZone: string,
): { from: number; to: number }[] {
  if (!windows) return [{ from, to }];
  const out: { from: number; to: number }[] = [];
  const first = localParts(from, timeZone);
  // From the day before the period (a window across midnight reaches into it) to the day after it ends.
  for (let d = -1; ; d++) {
    const dayStart = localToEpoch(timeZone, first.year, first.month, first.day + d);
    if (dayStart >= to) break;
    for (const w of windows) {
      const a = minutesOf(w.from);
      const b = minutesOf(w.to);
      const end = b > a ? b : b + 24 * 60;
      const start = localToEpoch(timeZone, first.year, first.month, first.day + d, 0, a);
      const stop = localToEpoch(timeZone, first.year, first.month, first.day + d, 0, end);
      const s = Math.max(from, start);
      const e = Math.min(to, stop);
      if (e > s) out.push({ from: s, to: e });
    }
  }
  out.sort((x, y) => x.from - y.from);
  const merged: { from: number; to: number }[] = [];
  for (const iv of out) {
    const last = merged.at(-1);
    if (last && iv.from <= last.to) last.to = Math.max(last.to, iv.to);
    else merged.push({ ...iv });
  }
  return merged;
}
