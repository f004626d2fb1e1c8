import { BIRMINGHAM_HOURS, BIRMINGHAM_WEEKDAY, BIRMINGHAM_WEEKEND } from './birmingham-shape.ts';
import { newVehicle, type Population, type SimVehicle } from './population.ts';
import type { CommunityProfile } from './profiles.ts';
import type { Random } from './random.ts';
import { HOUR_MS } from './sim-clock.ts';

export interface Movement {
  at: number;
  action: 'enter' | 'leave';
  vehicle: SimVehicle;
}

/** A visit of the day; pre-registered ones are registered with the gateway before they arrive. */
export interface PlannedVisit {
  vehicle: SimVehicle;
  host: string;
  preRegistered: boolean;
  /** The window the host registers (a little wider than the planned stay; some guests overstay it). */
  validFrom: number;
  validTo: number;
}

export interface DayPlan {
  site: string;
  dayStart: number;
  weekend: boolean;
  /** Every planned gate passage of the day, in time order. */
  movements: Movement[];
  visits: PlannedVisit[];
  /** Resident plates away at the end of the day (away overnight). */
  awayAtEnd: Set<string>;
}

export interface PlanDayInput {
  profile: CommunityProfile;
  population: Population;
  /** Local midnight of the day, epoch ms. */
  dayStart: number;
  weekend: boolean;
  random: Random;
  /** Resident plates away at the start of the day. */
  awayAtStart?: ReadonlySet<string>;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

export function poisson(random: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(random.normal(mean, Math.sqrt(mean))));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random.next();
  while (p > limit) {
    k++;
    p *= random.next();
  }
  return k;
}

/** An hour drawn from the Birmingham daytime occupancy shape of the day type (08:00–17:00). */
export function birminghamHour(random: Random, weekend: boolean): number {
  const weights = weekend ? BIRMINGHAM_WEEKEND : BIRMINGHAM_WEEKDAY;
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random.next() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r <= 0) return BIRMINGHAM_HOURS[i]! + random.next();
  }
  return 16 + random.next();
}

/** Plan one day of a community: resident departures and returns, visitors, temporary cars, blacklisted attempts. */
export function planDay(input: PlanDayInput): DayPlan {
  const { profile, population, dayStart, weekend, random } = input;
  const awayAtStart = input.awayAtStart ?? new Set<string>();
  const movements: Movement[] = [];
  const visits: PlannedVisit[] = [];
  const awayAtEnd = new Set<string>();
  const at = (hour: number) => dayStart + Math.round(hour * HOUR_MS);
  function trip(vehicle: SimVehicle, leaveHour: number, returnHour: number | null): void {
    movements.push({ at: at(leaveHour), action: 'leave', vehicle });
    if (returnHour === null) awayAtEnd.add(vehicle.plate);
    else movements.push({ at: at(Math.max(returnHour, leaveHour + 0.1)), action: 'enter', vehicle });
  }

  for (const vehicle of population.residents) {
    if (awayAtStart.has(vehicle.plate)) {
      if (random.chance(0.7))
        movements.push({ at: at(clamp(random.normal(14, 3.5), 7, 23.5)), action: 'enter', vehicle });
      else awayAtEnd.add(vehicle.plate);
      continue;
    }
    const overnight = random.chance(profile.awayOvernightShare);
    if (!weekend && vehicle.commuter) {
      const leave = clamp(
        random.normal(profile.weekday.departure.meanHour, profile.weekday.departure.sdHour),
        6.3,
        9.8,
      );
      const back = clamp(random.normal(profile.weekday.return.meanHour, profile.weekday.return.sdHour), 16.5, 22.5);
      trip(vehicle, leave, overnight ? null : back);
      if (!overnight && back < 19.5 && random.chance(profile.weekday.eveningOutingShare)) {
        const out = clamp(back + 0.5 + random.next() * 1.5, back + 0.3, 22);
        trip(vehicle, out, Math.min(23.8, out + 0.75 + random.next() * 1.5));
      }
    } else if (!weekend) {
      if (random.chance(profile.weekday.middayTripShare)) {
        const leave = 9 + random.next() * 7;
        trip(vehicle, leave, overnight ? null : Math.min(23, leave + Math.max(0.4, random.normal(1.8, 1))));
      } else if (overnight) {
        trip(vehicle, 9 + random.next() * 10, null);
      }
    } else if (random.chance(profile.weekend.outingShare)) {
      const leave = clamp(
        random.normal(profile.weekend.outingStart.meanHour, profile.weekend.outingStart.sdHour),
        6.5,
        18,
      );
      const hours = Math.max(0.5, random.normal(profile.weekend.outingHours.mean, profile.weekend.outingHours.sd));
      trip(vehicle, leave, overnight ? null : Math.min(23.5, leave + hours));
    } else if (overnight) {
      trip(vehicle, 8 + random.next() * 10, null);
    }
  }

  const visitorCount = poisson(random, weekend ? profile.visitors.perDay.weekend : profile.visitors.perDay.weekday);
  for (let i = 0; i < visitorCount; i++) {
    const vehicle = newVehicle(random, population.taken, random.pick(profile.outsidePrefixes), 'visitor', profile);
    const host = random.pick(population.households).id;
    vehicle.household = host;
    const dwell = Math.max(0.25, random.normal(profile.visitors.dwellHours.mean, profile.visitors.dwellHours.sd));
    let enter: number;
    if (random.chance(profile.visitors.eveningShare)) enter = 18 + random.next() * 3;
    else enter = clamp(birminghamHour(random, weekend) - dwell / 2, 7, 20);
    const leave = Math.min(23.8, enter + dwell);
    movements.push({ at: at(enter), action: 'enter', vehicle }, { at: at(leave), action: 'leave', vehicle });
    const preRegistered = random.chance(profile.visitors.preRegisteredShare);
    // One guest in ten stays past the registered window.
    const validTo = random.chance(0.1) ? at(enter + dwell * 0.6) : at(leave + 1);
    visits.push({ vehicle, host, preRegistered, validFrom: at(Math.max(0, enter - 1)), validTo });
  }

  const temporaryCount = poisson(random, weekend ? profile.temporary.perDay.weekend : profile.temporary.perDay.weekday);
  for (let i = 0; i < temporaryCount; i++) {
    const vehicle = newVehicle(random, population.taken, random.pick(profile.outsidePrefixes), 'temporary', profile);
    const dwell = Math.max(5 / 60, random.exponential(profile.temporary.dwellHours));
    const enter = clamp(birminghamHour(random, weekend) - dwell / 2, 6.5, 21.5);
    movements.push(
      { at: at(enter), action: 'enter', vehicle },
      { at: at(Math.min(23.8, enter + dwell)), action: 'leave', vehicle },
    );
  }

  const attempts = poisson(random, profile.blacklistAttemptsPerDay);
  for (let i = 0; i < attempts && population.blacklist.length > 0; i++) {
    const vehicle = random.pick(population.blacklist);
    const enter = 8 + random.next() * 12;
    movements.push({ at: at(enter), action: 'enter', vehicle }, { at: at(enter + 0.5), action: 'leave', vehicle });
  }

  movements.sort((a, b) => a.at - b.at);
  return { site: profile.site, dayStart, weekend, movements, visits, awayAtEnd };
}

/** Vehicles that want to be inside at instant t: residents at home plus guests, if the gate admitted everyone. */
export function demandAt(
  plan: DayPlan,
  population: Population,
  t: number,
  awayAtStart: ReadonlySet<string> = new Set(),
): number {
  const inside = new Set(population.residents.filter((v) => !awayAtStart.has(v.plate)).map((v) => v.plate));
  for (const m of plan.movements) {
    if (m.at > t) break;
    if (m.action === 'enter') inside.add(m.vehicle.plate);
    else inside.delete(m.vehicle.plate);
  }
  return inside.size;
}

/** Movements per local hour (0–23) of one action, optionally of one vehicle role. */
export function movementsByHour(plan: DayPlan, action: Movement['action'], role?: SimVehicle['role']): number[] {
  const counts = new Array<number>(24).fill(0);
  for (const m of plan.movements) {
    if (m.action !== action || (role && m.vehicle.role !== role)) continue;
    const hour = Math.floor((m.at - plan.dayStart) / HOUR_MS);
    if (hour >= 0 && hour < 24) counts[hour]!++;
  }
  return counts;
}
