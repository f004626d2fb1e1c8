import type { z } from 'zod';
import { issueProblems } from '../strict-keys.ts';
import { type ChargeRule, type GuidanceCeiling, Tariff, type VehicleClass } from './tariff.schema.ts';
import { checkTariff, tariffWarnings } from './tariff-check.ts';
import { compileTariff } from './tariff-compile.ts';
import { chargeVersion } from './tariff-engine.ts';
import { VEHICLE_NAMES } from './tariff-words.ts';
import { DAY, dayOfDate } from './time-zone.ts';

export interface TariffProblem {
  /** Field path, e.g. rules.visitor.bands[1].from */
  readonly path: string;
  readonly message: string;
}

export type TariffValidation =
  | { readonly ok: true; readonly tariff: Tariff; readonly warnings: readonly TariffProblem[] }
  | {
      readonly ok: false;
      readonly errors: readonly TariffProblem[];
      readonly message: string;
      readonly warnings: readonly TariffProblem[];
    };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(document)' : out;
}

function problem(line: string): TariffProblem {
  const cut = line.indexOf(': ');
  return { path: line.slice(0, cut), message: line.slice(cut + 2) };
}

/** Each issue as a problem at its path; an unknown key at its own path, with the key it most likely meant. */
function zodProblems(error: z.ZodError, doc: unknown): TariffProblem[] {
  return error.issues.flatMap(function issueProblem(issue) {
    return issueProblems(issue, Tariff, doc).map((p) => ({ path: formatPath(p.path), message: p.message }));
  });
}

function hourlyCheck(
  path: string,
  v: VehicleClass,
  factor: number,
  cap: number,
  minutes: number,
  fen: number,
  errors: string[],
): void {
  // The most the price can take in one hour: every started step of a short unit, or one long unit per started hour.
  const inHour = minutes >= 60 ? fen : Math.ceil(60 / minutes) * fen;
  const hours = minutes >= 60 ? Math.ceil(minutes / 60) : 1;
  const charged = Math.floor((inHour * factor + 50) / 100);
  if (charged > cap * hours) {
    errors.push(
      `${path}: ${charged} fen within ${hours} h for ${VEHICLE_NAMES[v][1]} is above the guidance price (政府指导价) of ${cap} fen per hour`,
    );
  }
}

function ruleHourly(path: string, rule: ChargeRule, v: VehicleClass, cap: number, errors: string[]): void {
  const factor = rule.vehicleFactors?.[v] ?? 100;
  const stepOf = (unit: number, price: number, rounding: number | undefined) => {
    const step = rounding ?? unit;
    return [step, (price * step) / unit] as const;
  };
  if (rule.type === 'interval') {
    if (rule.first)
      hourlyCheck(`${path}.first.priceFen`, v, factor, cap, rule.first.minutes, rule.first.priceFen, errors);
    const [step, fen] = stepOf(rule.unitMinutes, rule.priceFen, rule.roundingMinutes);
    hourlyCheck(`${path}.priceFen`, v, factor, cap, step, fen, errors);
  } else if (rule.type === 'bands') {
    const sets = [
      ['bands', rule.bands],
      ['dayTypes.weekday.bands', rule.dayTypes?.weekday?.bands ?? []],
      ['dayTypes.weekend.bands', rule.dayTypes?.weekend?.bands ?? []],
      ['dayTypes.holiday.bands', rule.dayTypes?.holiday?.bands ?? []],
    ] as const;
    for (const [name, bands] of sets) {
      bands.forEach(function bandHourly(b, i) {
        const [step, fen] = stepOf(b.unitMinutes, b.priceFen, b.roundingMinutes);
        hourlyCheck(`${path}.${name}[${i}].priceFen`, v, factor, cap, step, fen, errors);
      });
    }
  } else {
    let lo = 0;
    rule.tiers.forEach(function tierHourly(tier, i) {
      if (rule.mode === 'additive') {
        const [step, fen] = stepOf(tier.unitMinutes ?? 60, tier.priceFen, rule.roundingMinutes);
        hourlyCheck(`${path}.tiers[${i}].priceFen`, v, factor, cap, step, fen, errors);
      } else {
        // A stay just past the tier's lower bound pays its price for floor(lo/60)+1 started hours.
        hourlyCheck(
          `${path}.tiers[${i}].priceFen`,
          v,
          factor,
          cap,
          (Math.floor(lo / 60) + 1) * 60,
          tier.priceFen,
          errors,
        );
      }
      lo = tier.upToMinutes ?? lo;
    });
    if (rule.repeat)
      hourlyCheck(`${path}.repeat.priceFen`, v, factor, cap, rule.repeat.everyMinutes, rule.repeat.priceFen, errors);
  }
}

/** Charges 24 h stays starting every 30 min over 8 days and on the first listed holidays, with the real engine. */
function dailyCeiling(tariff: Tariff, per24h: Partial<Record<VehicleClass, number>>, errors: string[]): void {
  const ct = compileTariff(tariff);
  const zone = ct.zone;
  const startDay = zone.localDay(ct.effectiveFrom);
  const starts: number[] = [];
  for (let i = 0; i < 8 * 48; i++) starts.push(zone.epochOfLocal(startDay, i * 30));
  for (const entry of tariff.calendar.holidays.slice(0, 3)) {
    const day = dayOfDate(entry.slice(0, 10));
    for (let i = 0; i < 48; i++) starts.push(zone.epochOfLocal(day, i * 30));
  }
  for (const [name, rule] of Object.entries(tariff.rules)) {
    if (rule.type === 'exempt') continue;
    for (const [v, cap] of Object.entries(per24h) as [VehicleClass, number][]) {
      let worst = -1;
      let worstAt = 0;
      for (const start of starts) {
        const fee = chargeVersion(ct, name, v, false, start, start + DAY, 0, null);
        if (fee > worst) {
          worst = fee;
          worstAt = start;
        }
      }
      if (worst > cap) {
        errors.push(
          `rules.${name}: a 24 h stay from ${zone.format(worstAt)} costs ${worst} fen for ${VEHICLE_NAMES[v][1]}, above the guidance price (政府指导价) of ${cap} fen per 24 h`,
        );
      }
    }
  }
}

/**
 * A daily cap no stay can reach: the engine charges 24 h stays (every 30 min over 8 days) without the rule's caps, and
 * a cap not below the dearest of them never binds.
 */
function idleDailyCaps(tariff: Tariff, warnings: string[]): void {
  const uncapped: Tariff = {
    ...tariff,
    rules: Object.fromEntries(
      Object.entries(tariff.rules).map(([name, rule]) => [
        name,
        rule.type === 'exempt' ? rule : { ...rule, caps: undefined },
      ]),
    ),
  };
  const ct = compileTariff(uncapped);
  const startDay = ct.zone.localDay(ct.effectiveFrom);
  for (const [name, rule] of Object.entries(tariff.rules)) {
    if (rule.type === 'exempt' || !rule.caps?.daily) continue;
    let dearest = 0;
    for (let i = 0; i < 8 * 48; i++) {
      const start = ct.zone.epochOfLocal(startDay, i * 30);
      dearest = Math.max(dearest, chargeVersion(ct, name, 'small', false, start, start + DAY, 0, null));
    }
    rule.caps.daily.capsFen.forEach(function idleCap(cap, i) {
      if (cap >= dearest) {
        warnings.push(
          `rules.${name}.caps.daily.capsFen[${i}]: never binds: a 24 h stay costs at most ${dearest} fen without caps, not more than the cap of ${cap} fen`,
        );
      }
    });
  }
}

/**
 * Parses and checks a tariff document; with a ceiling, refuses prices above the government guidance price. What is
 * legal but most likely not meant comes back as `warnings` (also beside errors).
 */
export function validateTariff(doc: unknown, options: { ceiling?: GuidanceCeiling } = {}): TariffValidation {
  const parsed = Tariff.safeParse(doc);
  if (!parsed.success) {
    const errors = zodProblems(parsed.error, doc);
    return { ok: false, errors, message: errors.map((p) => `${p.path}: ${p.message}`).join('\n'), warnings: [] };
  }
  const tariff = parsed.data;
  const lines = checkTariff(tariff);
  const ceiling = options.ceiling;
  if (lines.length === 0 && ceiling) {
    for (const [name, rule] of Object.entries(tariff.rules)) {
      if (rule.type === 'exempt') continue;
      for (const [v, cap] of Object.entries(ceiling.perHourFen ?? {}) as [VehicleClass, number][]) {
        ruleHourly(`rules.${name}`, rule, v, cap, lines);
      }
    }
    if (ceiling.per24hFen) dailyCeiling(tariff, ceiling.per24hFen, lines);
  }
  const warningLines = tariffWarnings(tariff);
  if (lines.length === 0) idleDailyCaps(tariff, warningLines);
  const warnings = warningLines.map(problem);
  if (lines.length > 0) return { ok: false, errors: lines.map(problem), message: lines.join('\n'), warnings };
  return { ok: true, tariff, warnings };
}
