import type { Band, ChargeRule, Rule, Tariff, VehicleClass } from './tariff.schema.ts';
import { checkTariff } from './tariff-check.ts';
import {
  bandCapTexts,
  dailyCapTexts,
  rateText,
  rateTextEn,
  span,
  spanEn,
  timesText,
  VEHICLE_NAMES,
  yuan,
  yuanEn,
} from './tariff-words.ts';
import { dayOfDate, MINUTE, minuteOfTime, TariffError, weekdayOf, Zone } from './time-zone.ts';

/** A priced stretch of time: stepFen per started stepMs, at most capFen per occurrence. */
export interface Rate {
  readonly path: string;
  readonly stepMs: number;
  readonly stepFen: number;
  readonly capFen: number;
  readonly text: string;
  readonly textEn: string;
  readonly capText: string;
  readonly capTextEn: string;
}

export interface BandSegment extends Rate {
  /** Minutes from the local midnight of the band day; may pass 1440 for a band after midnight. */
  readonly startMin: number;
  readonly endMin: number;
}

export type Pricing =
  | {
      readonly t: 'interval';
      readonly firstMs: number;
      readonly firstFen: number;
      readonly first: Rate;
      readonly rate: Rate;
    }
  | { readonly t: 'additive'; readonly tiers: readonly (Rate & { readonly loMs: number; readonly hiMs: number })[] }
  | {
      readonly t: 'flat';
      readonly stepMs: number;
      readonly tiers: readonly {
        loMs: number;
        hiMs: number;
        fen: number;
        path: string;
        text: string;
        textEn: string;
      }[];
      readonly cycleMs: number;
      readonly cycleFen: number;
      readonly cycleText: string;
      readonly cycleTextEn: string;
    }
  | { readonly t: 'bands'; readonly anchorMin: number; readonly sets: readonly (readonly BandSegment[])[] };

export interface Note {
  readonly path: string;
  readonly text: string;
  readonly textEn: string;
}

export interface CompiledCharge {
  readonly kind: 'charge';
  readonly path: string;
  readonly freeMs: number;
  readonly freeMode: 'deduct' | 'grace' | null;
  /** Each 24 h from entry is charged as a stay of its own (`after24h: restart`). */
  readonly restart24h: boolean;
  readonly free: Note;
  readonly evFreeMs: number;
  readonly evFree: Note;
  readonly evPercent: number;
  readonly evDiscount: Note;
  readonly pricing: Pricing;
  readonly stayCapFen: number;
  readonly stayCap: Note;
  readonly daily: {
    readonly rolling: boolean;
    readonly resetMin: number;
    readonly capsFen: readonly number[];
    readonly notes: readonly Note[];
  } | null;
  readonly minimumFen: number;
  readonly minimum: Note;
  readonly factors: Readonly<Record<VehicleClass, number>>;
  readonly factorNotes: Readonly<Record<VehicleClass, Note>>;
}

export interface CompiledExempt {
  readonly kind: 'exempt';
  readonly path: string;
  readonly note: Note;
}

export type CompiledRule = CompiledCharge | CompiledExempt;

export interface CompiledTariff {
  readonly doc: Tariff;
  /** `id@version` */
  readonly key: string;
  readonly effectiveFrom: number;
  readonly zone: Zone;
  /** Local `YYYY-MM-DD HH:MM:SS` of an instant. */
  readonly format: (ms: number) => string;
  readonly paidExitMs: number;
  /** The no-entry-record charge as the document sets it (`noEntryRecord`), or null: refer to staff. */
  readonly noEntry: Tariff['noEntryRecord'] | null;
  readonly rules: ReadonlyMap<string, CompiledRule>;
  /** The rules as an overtime after the paid-exit window is charged: no free period, no new-energy free time. */
  readonly overtimeRules: ReadonlyMap<string, CompiledRule>;
  readonly overtime: 'fromPayment' | 'fromEntry';
  readonly couponStacking: 'best' | 'all';
  readonly couponMax: number;
  /** 0 weekday, 1 weekend, 2 holiday. */
  dayType(day: number): 0 | 1 | 2;
}

const NONE: Note = { path: '', text: '', textEn: '' };

function rate(
  path: string,
  unitMinutes: number,
  priceFen: number,
  roundingMinutes: number | undefined,
  prefix: [string, string],
  cap?: { fen: number | undefined; words: { zh: string; en: string } },
): Rate {
  const step = roundingMinutes ?? unitMinutes;
  const capFen = cap?.fen ?? Number.POSITIVE_INFINITY;
  return {
    path,
    stepMs: step * MINUTE,
    stepFen: (priceFen * step) / unitMinutes,
    capFen,
    text: prefix[0] + rateText(unitMinutes, priceFen, step),
    textEn: prefix[1] + rateTextEn(unitMinutes, priceFen, step),
    capText: cap ? `${prefix[0]}${cap.words.zh}` : '',
    capTextEn: cap ? `${prefix[1]}${cap.words.en}` : '',
  };
}

export function bandWindow(band: Band): string {
  const next = minuteOfTime(band.to) <= minuteOfTime(band.from) ? '次日' : '';
  return `${band.from}–${next}${band.to}`;
}

function bandSegments(path: string, bands: readonly Band[], anchorMin: number): BandSegment[] {
  let at = anchorMin;
  return bands.map(function segment(band, i) {
    const from = minuteOfTime(band.from);
    const length = (minuteOfTime(band.to) - from + 1440) % 1440 || 1440;
    const startMin = at;
    at += length;
    const window = bandWindow(band);
    const base = rate(
      `${path}[${i}]`,
      band.unitMinutes,
      band.priceFen,
      band.roundingMinutes,
      [`${band.name}（${window}）`, `${band.nameEn ?? band.name} (${band.from}–${band.to}): `],
      band.capFen === undefined
        ? undefined
        : { fen: band.capFen, words: bandCapTexts({ ...band, capFen: band.capFen }) },
    );
    return { ...base, startMin, endMin: startMin + length };
  });
}

function compilePricing(path: string, rule: ChargeRule): Pricing {
  switch (rule.type) {
    case 'interval': {
      const first = rule.first;
      const lead: [string, string] = first ? ['之后', 'then '] : ['', ''];
      return {
        t: 'interval',
        firstMs: first ? first.minutes * MINUTE : 0,
        firstFen: first?.priceFen ?? 0,
        // Worded as the 公示 words it ("首1小时3元"), not as a repeating rate: the first interval is charged once.
        first: first
          ? {
              ...rate(`${path}.first`, first.minutes, first.priceFen, undefined, ['', '']),
              text: `首${span(first.minutes)}${yuan(first.priceFen)}`,
              textEn: `first ${spanEn(first.minutes)} ${yuanEn(first.priceFen)}`,
            }
          : rate(path, 1, 0, undefined, ['', '']),
        rate: rate(path, rule.unitMinutes, rule.priceFen, rule.roundingMinutes, lead),
      };
    }
    case 'tiers': {
      if (rule.mode === 'additive') {
        let lo = 0;
        return {
          t: 'additive',
          tiers: rule.tiers.map(function additiveTier(tier, i) {
            const hi = tier.upToMinutes ?? Number.POSITIVE_INFINITY;
            const zh =
              lo === 0
                ? `前${span(hi)}`
                : hi === Number.POSITIVE_INFINITY
                  ? `${span(lo)}以上`
                  : `${span(lo)}–${span(hi)}`;
            const en = hi === Number.POSITIVE_INFINITY ? `beyond ${spanEn(lo)}: ` : `${spanEn(lo)}–${spanEn(hi)}: `;
            const r = rate(`${path}.tiers[${i}]`, tier.unitMinutes ?? 60, tier.priceFen, rule.roundingMinutes, [
              zh,
              en,
            ]);
            const out = { ...r, loMs: lo * MINUTE, hiMs: hi * MINUTE };
            lo = hi;
            return out;
          }),
        };
      }
      let lo = 0;
      return {
        t: 'flat',
        stepMs: (rule.roundingMinutes ?? 0) * MINUTE,
        tiers: rule.tiers.map(function flatTier(tier, i) {
          const hi = tier.upToMinutes ?? Number.POSITIVE_INFINITY;
          const price = tier.priceFen === 0 ? '免费' : yuan(tier.priceFen);
          const priceEn = tier.priceFen === 0 ? 'free' : yuanEn(tier.priceFen);
          const zh =
            lo === 0
              ? `${span(hi)}内${price}`
              : hi === Number.POSITIVE_INFINITY
                ? `${span(lo)}以上${price}`
                : `${span(lo)}–${span(hi)}${price}`;
          const en =
            lo === 0
              ? `up to ${spanEn(hi)}: ${priceEn}`
              : hi === Number.POSITIVE_INFINITY
                ? `over ${spanEn(lo)}: ${priceEn}`
                : `${spanEn(lo)}–${spanEn(hi)}: ${priceEn}`;
          const out = {
            loMs: lo * MINUTE,
            hiMs: hi * MINUTE,
            fen: tier.priceFen,
            path: `${path}.tiers[${i}]`,
            text: zh,
            textEn: en,
          };
          lo = hi;
          return out;
        }),
        cycleMs: (rule.repeat?.everyMinutes ?? 0) * MINUTE,
        cycleFen: rule.repeat?.priceFen ?? 0,
        cycleText: rule.repeat ? `每满${span(rule.repeat.everyMinutes)}${yuan(rule.repeat.priceFen)}` : '',
        cycleTextEn: rule.repeat ? `${yuanEn(rule.repeat.priceFen)} per whole ${spanEn(rule.repeat.everyMinutes)}` : '',
      };
    }
    case 'bands': {
      const anchorMin = minuteOfTime(rule.bands[0]?.from ?? '00:00');
      const base = bandSegments(`${path}.bands`, rule.bands, anchorMin);
      const dt = rule.dayTypes;
      const weekday = dt?.weekday ? bandSegments(`${path}.dayTypes.weekday.bands`, dt.weekday.bands, anchorMin) : base;
      const weekend = dt?.weekend ? bandSegments(`${path}.dayTypes.weekend.bands`, dt.weekend.bands, anchorMin) : base;
      const holiday = dt?.holiday
        ? bandSegments(`${path}.dayTypes.holiday.bands`, dt.holiday.bands, anchorMin)
        : weekend;
      return { t: 'bands', anchorMin, sets: [weekday, weekend, holiday] };
    }
  }
}

function compileRule(name: string, rule: Rule): CompiledRule {
  const path = `rules.${name}`;
  if (rule.type === 'exempt') {
    return {
      kind: 'exempt',
      path,
      note: {
        path,
        // What the engine applies, not the free-text reason (#26.6).
        text: `${rule.label}：免费`,
        textEn: `${rule.labelEn ?? rule.label}: free`,
      },
    };
  }
  const fp = rule.freePeriod;
  const ne = rule.newEnergy;
  const daily = rule.caps?.daily;
  const dailyTexts = daily ? dailyCapTexts(daily.window, daily.resetAt, daily.capsFen) : null;
  const factors = { small: 100, large: 100, motorcycle: 100, ...(rule.vehicleFactors ?? {}) } as Record<
    VehicleClass,
    number
  >;
  const factorNote = (v: VehicleClass): Note => ({
    path: `${path}.vehicleFactors.${v}`,
    text: `${VEHICLE_NAMES[v][0]}按${timesText(factors[v])}收费`,
    textEn: `${VEHICLE_NAMES[v][1]} pay ${factors[v]}%`,
  });
  const min = rule.minimumFen ?? 0;
  const stayCap = rule.caps?.perStayFen;
  return {
    kind: 'charge',
    path,
    freeMs: (fp?.minutes ?? 0) * MINUTE,
    freeMode: fp?.mode ?? null,
    restart24h: rule.after24h === 'restart',
    free: fp
      ? {
          path: `${path}.freePeriod`,
          text: fp.mode === 'deduct' ? `${span(fp.minutes)}内免费` : `${span(fp.minutes)}内离场免费`,
          textEn:
            fp.mode === 'deduct'
              ? `first ${spanEn(fp.minutes)} free`
              : `free when leaving within ${spanEn(fp.minutes)}`,
        }
      : NONE,
    evFreeMs: (ne?.freeMinutes ?? 0) * MINUTE,
    evFree: ne?.freeMinutes
      ? {
          path: `${path}.newEnergy.freeMinutes`,
          text: `新能源车首${span(ne.freeMinutes)}免费`,
          textEn: `new-energy vehicles: first ${spanEn(ne.freeMinutes)} free`,
        }
      : NONE,
    evPercent: ne?.discountPercent ?? 0,
    evDiscount: ne?.discountPercent
      ? {
          path: `${path}.newEnergy.discountPercent`,
          text: `新能源车减收${ne.discountPercent}%`,
          textEn: `new-energy vehicles: ${ne.discountPercent}% off`,
        }
      : NONE,
    pricing: compilePricing(path, rule),
    stayCapFen: stayCap ?? Number.POSITIVE_INFINITY,
    stayCap:
      stayCap === undefined
        ? NONE
        : {
            path: `${path}.caps.perStayFen`,
            text: `单次停车最高收费${yuan(stayCap)}`,
            textEn: `at most ${yuanEn(stayCap)} per stay`,
          },
    daily:
      daily && dailyTexts
        ? {
            rolling: daily.window === 'rolling-24h',
            resetMin: minuteOfTime(daily.resetAt),
            capsFen: daily.capsFen,
            notes: daily.capsFen.map(function capNote(_, i) {
              return {
                path: `${path}.caps.daily.capsFen[${i}]`,
                text: dailyTexts.zh[i] ?? '',
                textEn: dailyTexts.en[i] ?? '',
              };
            }),
          }
        : null,
    minimumFen: min,
    minimum: { path: `${path}.minimumFen`, text: `最低收费${yuan(min)}`, textEn: `minimum charge ${yuanEn(min)}` },
    factors,
    factorNotes: { small: factorNote('small'), large: factorNote('large'), motorcycle: factorNote('motorcycle') },
  };
}

function expandDates(entries: readonly string[]): Set<number> {
  const days = new Set<number>();
  for (const entry of entries) {
    const [a, b] = entry.split('..');
    const from = dayOfDate(a ?? '');
    const to = b === undefined ? from : dayOfDate(b);
    for (let d = from; d <= to; d++) days.add(d);
  }
  return days;
}

/** Turns a valid tariff into the form the engine quotes against; throws TARIFF_INVALID on a semantic error. */
export function compileTariff(tariff: Tariff): CompiledTariff {
  const errors = checkTariff(tariff);
  if (errors.length > 0) {
    throw new TariffError('TARIFF_INVALID', `tariff ${tariff.id}@${tariff.version} is invalid: ${errors.join('; ')}`);
  }
  const effectiveFrom = Date.parse(tariff.effectiveFrom);
  const zone = new Zone(tariff.timeZone, effectiveFrom);
  const holidays = expandDates(tariff.calendar.holidays);
  const workdays = expandDates(tariff.calendar.workdays);
  const rules = new Map<string, CompiledRule>();
  for (const [name, rule] of Object.entries(tariff.rules)) rules.set(name, compileRule(name, rule));
  const overtimeRules = new Map<string, CompiledRule>();
  for (const [name, rule] of Object.entries(tariff.rules)) {
    const again: Rule =
      rule.type === 'exempt'
        ? rule
        : {
            ...rule,
            freePeriod: undefined,
            newEnergy: rule.newEnergy ? { ...rule.newEnergy, freeMinutes: undefined } : undefined,
          };
    overtimeRules.set(name, compileRule(name, again));
  }
  const typeOf = (day: number): 0 | 1 | 2 => {
    if (holidays.has(day)) return 2;
    if (workdays.has(day)) return 0;
    const w = weekdayOf(day);
    return w === 0 || w === 6 ? 1 : 0;
  };
  // Day types of the 40 years from a year before the tariff, looked up by index on the hot path.
  const firstDay = zone.localDay(effectiveFrom) - 366;
  const table = new Uint8Array(40 * 366);
  for (let i = 0; i < table.length; i++) table[i] = typeOf(firstDay + i);
  return {
    doc: tariff,
    key: `${tariff.id}@${tariff.version}`,
    effectiveFrom,
    zone,
    paidExitMs: tariff.paidExitMinutes * MINUTE,
    noEntry: tariff.noEntryRecord ?? null,
    rules,
    overtimeRules,
    overtime: tariff.overtime,
    couponStacking: tariff.coupons.stacking,
    couponMax: tariff.coupons.maxPerStay,
    format: zone.format.bind(zone),
    dayType(day: number): 0 | 1 | 2 {
      const i = day - firstDay;
      return i >= 0 && i < table.length ? (table[i] as 0 | 1 | 2) : typeOf(day);
    },
  };
}

/** Versions of one site's tariff, oldest first. */
export function compileTariffs(tariffs: readonly Tariff[]): CompiledTariff[] {
  return tariffs.map(compileTariff).sort(function byEffective(a, b) {
    return a.effectiveFrom - b.effectiveFrom || a.doc.version - b.doc.version;
  });
}
