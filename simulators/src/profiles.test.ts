import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../gateway/src/config/config.ts';
import { siteCapacity } from '../../gateway/src/domain/site.ts';
import { BIRMINGHAM_HOURS, BIRMINGHAM_WEEKDAY, BIRMINGHAM_WEEKEND, loadBirminghamShape } from './birmingham-shape.ts';
import { type DayPlan, demandAt, movementsByHour, planDay } from './day-plan.ts';
import { buildPopulation } from './population.ts';
import { type CommunityProfile, DEMO_PROFILES, LAOJIE, XINYUAN } from './profiles.ts';
import { createRandom } from './random.ts';
import { HOUR_MS } from './sim-clock.ts';

const { config } = loadConfigFile('config/demo.yaml');
const capacity = (site: string) => siteCapacity(config.sites.find((s) => s.id === site)!);
// Monday 2026-01-05 and Saturday 2026-01-10, local midnight in Asia/Shanghai.
const MONDAY = Date.UTC(2026, 0, 4, 16);
const SATURDAY = MONDAY + 5 * 24 * HOUR_MS;

function day(profile: CommunityProfile, weekend: boolean, seed = 'test') {
  const random = createRandom(`${seed}-${profile.site}`);
  const population = buildPopulation(profile, random.fork('population'));
  const plan = planDay({
    profile,
    population,
    dayStart: weekend ? SATURDAY : MONDAY,
    weekend,
    random: random.fork('day'),
  });
  return { population, plan };
}

function peakHour(counts: number[]): number {
  return counts.indexOf(Math.max(...counts));
}

function demandByHour(plan: DayPlan, population: ReturnType<typeof buildPopulation>): number[] {
  return Array.from({ length: 24 }, (_, h) => demandAt(plan, population, plan.dayStart + h * HOUR_MS + HOUR_MS / 2));
}

describe('community profiles', () => {
  it('the demo config has a profile for every site, with the same households', () => {
    for (const site of config.sites) {
      expect(DEMO_PROFILES.find((p) => p.site === site.id)?.households).toBe(site.households);
    }
  });

  it('a weekday in laojie has more vehicles than spaces in the evening; xinyuan keeps spare spaces', () => {
    const laojie = day(LAOJIE, false);
    const evening = demandAt(laojie.plan, laojie.population, MONDAY + 21 * HOUR_MS);
    expect(evening).toBeGreaterThan(capacity('laojie'));
    const xinyuan = day(XINYUAN, false);
    expect(demandAt(xinyuan.plan, xinyuan.population, MONDAY + 21 * HOUR_MS)).toBeLessThan(capacity('xinyuan'));
  });

  it('weekdays have a morning departure peak (07–09) and an evening return peak (17:30–20)', () => {
    for (const profile of DEMO_PROFILES) {
      const { plan } = day(profile, false);
      const departures = movementsByHour(plan, 'leave', 'resident');
      const returns = movementsByHour(plan, 'enter', 'resident');
      expect([7, 8]).toContain(peakHour(departures));
      expect([17, 18, 19]).toContain(peakHour(returns));
      const morning = departures[7]! + departures[8]!;
      expect(morning).toBeGreaterThan(departures.reduce((a, b) => a + b, 0) / 2);
      const midnightToSix = departures.slice(0, 6).reduce((a, b) => a + b, 0);
      expect(midnightToSix).toBe(0);
    }
  });

  it('weekends are different: no commuter peak, fewer cars out at 08:00, most out around noon', () => {
    for (const profile of DEMO_PROFILES) {
      const weekday = day(profile, false);
      const weekend = day(profile, true);
      const weekendDepartures = movementsByHour(weekend.plan, 'leave', 'resident');
      expect(peakHour(weekendDepartures)).toBeGreaterThanOrEqual(9);
      const at = (d: typeof weekday, h: number) => demandAt(d.plan, d.population, d.plan.dayStart + h * HOUR_MS);
      expect(at(weekend, 9)).toBeGreaterThan(at(weekday, 9));
      expect(at(weekend, 12)).toBeLessThan(at(weekend, 3));
    }
  });

  it('the lot saturates overnight: demand at 03:00 is the largest of the day', () => {
    for (const profile of DEMO_PROFILES) {
      const { plan, population } = day(profile, false);
      const demand = demandByHour(plan, population);
      expect(demand[3]).toBeGreaterThanOrEqual(Math.max(...demand.slice(7, 17)));
    }
  });

  it('is reproducible: the same seed plans the same day, another seed another', () => {
    const a = day(LAOJIE, false, 'seed-1').plan.movements.map((m) => `${m.at}${m.action}${m.vehicle.plate}`);
    const b = day(LAOJIE, false, 'seed-1').plan.movements.map((m) => `${m.at}${m.action}${m.vehicle.plate}`);
    const c = day(LAOJIE, false, 'seed-2').plan.movements.map((m) => `${m.at}${m.action}${m.vehicle.plate}`);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('daytime visitor presence follows the Birmingham shape of its day type', () => {
    for (const [weekend, shape] of [
      [false, BIRMINGHAM_WEEKDAY],
      [true, BIRMINGHAM_WEEKEND],
    ] as const) {
      // Pool many days so the sample is large; day guests only (evening guests are outside Birmingham's hours).
      const presence = new Array<number>(24).fill(0);
      for (let i = 0; i < 30; i++) {
        const { plan } = day({ ...LAOJIE, visitors: { ...LAOJIE.visitors, eveningShare: 0 } }, weekend, `shape-${i}`);
        const stays = new Map<string, { enter: number; leave: number }>();
        for (const m of plan.movements) {
          if (m.vehicle.role !== 'visitor' && m.vehicle.role !== 'temporary') continue;
          const s = stays.get(m.vehicle.plate) ?? { enter: 0, leave: 0 };
          s[m.action] = (m.at - plan.dayStart) / HOUR_MS;
          stays.set(m.vehicle.plate, s);
        }
        for (const s of stays.values())
          for (const h of BIRMINGHAM_HOURS) if (s.enter <= h + 0.5 && s.leave > h + 0.5) presence[h]!++;
      }
      const simulated = BIRMINGHAM_HOURS.map((h) => presence[h]!);
      expect(correlation(simulated, [...shape])).toBeGreaterThan(0.85);
    }
  });

  it('the Birmingham constants are what the dataset gives', () => {
    const shape = loadBirminghamShape();
    expect(shape, 'birmingham-parking-2016.csv not found: set PARKING_DATASETS').not.toBeNull();
    expect(shape!.weekday).toEqual([...BIRMINGHAM_WEEKDAY]);
    expect(shape!.weekend).toEqual([...BIRMINGHAM_WEEKEND]);
    expect(shape!.readings).toBe(35_717 - 216);
  });
});

function correlation(x: number[], y: number[]): number {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
