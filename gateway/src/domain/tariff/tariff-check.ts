import { type Band, type ChargeRule, type Tariff, VEHICLE_CLASSES } from './tariff.schema.ts';
import { dayOfDate, isKnownTimeZone, minuteOfTime, weekdayOf } from './time-zone.ts';

/** Semantic checks zod cannot express; each message starts with the field path. */
export function checkTariff(t: Tariff): string[] {
  const errors: string[] = [];
  if (!isKnownTimeZone(t.timeZone)) errors.push(`timeZone: unknown time zone '${t.timeZone}'`);
  checkCalendar(t, errors);
  for (const [name, rule] of Object.entries(t.rules)) {
    if (rule.type !== 'exempt') checkRule(`rules.${name}`, rule, errors);
  }
  return errors;
}

function checkCalendar(t: Tariff, errors: string[]): void {
  const holidays = new Set<number>();
  t.calendar.holidays.forEach(function checkHoliday(entry, i) {
    const [a, b] = entry.split('..');
    const from = dayOfDate(a ?? '');
    const to = b === undefined ? from : dayOfDate(b);
    if (Number.isNaN(from) || Number.isNaN(to)) errors.push(`calendar.holidays[${i}]: '${entry}' is not a real date`);
    else if (to < from) errors.push(`calendar.holidays[${i}]: range '${entry}' ends before it starts`);
    else for (let d = from; d <= to; d++) holidays.add(d);
  });
  t.calendar.workdays.forEach(function checkWorkday(entry, i) {
    const day = dayOfDate(entry);
    const w = weekdayOf(day);
    if (Number.isNaN(day)) errors.push(`calendar.workdays[${i}]: '${entry}' is not a real date`);
    else if (holidays.has(day)) errors.push(`calendar.workdays[${i}]: ${entry} is also listed as a holiday`);
    else if (w !== 0 && w !== 6)
      errors.push(`calendar.workdays[${i}]: ${entry} is already a weekday (调休 days fall on a weekend)`);
  });
}

function checkStep(
  path: string,
  unitMinutes: number,
  priceFen: number,
  rounding: number | undefined,
  errors: string[],
) {
  if (rounding === undefined) return;
  if (unitMinutes % rounding !== 0) {
    errors.push(`${path}.roundingMinutes: ${rounding} min does not divide the unit of ${unitMinutes} min`);
  } else if ((priceFen * rounding) % unitMinutes !== 0) {
    errors.push(
      `${path}.priceFen: ${priceFen} fen per ${unitMinutes} min is not a whole number of fen per ${rounding} min step`,
    );
  }
}

function checkBands(path: string, bands: readonly Band[], anchor: string, errors: string[]): void {
  const anchorMin = minuteOfTime(anchor);
  if (bands[0] && bands[0].from !== anchor) {
    errors.push(
      `${path}[0].from: must start at ${anchor} like the first band of the rule (all day types share one day start)`,
    );
    return;
  }
  let pos = 0;
  bands.forEach(function checkBand(band, i) {
    const here = `${path}[${i}]`;
    if (band.from === '24:00') errors.push(`${here}.from: a band cannot start at 24:00 (use 00:00)`);
    const from = (minuteOfTime(band.from) - anchorMin + 1440) % 1440;
    const length = (minuteOfTime(band.to) - minuteOfTime(band.from) + 1440) % 1440 || 1440;
    const prev = bands[i - 1];
    if (prev && from < pos) errors.push(`${here}.from: band overlaps band ${i - 1} (${prev.from}–${prev.to})`);
    else if (prev && from > pos) {
      errors.push(
        `${here}.from: gap after band ${i - 1} (${prev.from}–${prev.to}): ${prev.to}–${band.from} is not covered`,
      );
    }
    pos = (i === 0 ? 0 : from) + length;
    checkStep(here, band.unitMinutes, band.priceFen, band.roundingMinutes, errors);
  });
  const last = bands[bands.length - 1];
  if (last && pos < 1440)
    errors.push(`${path}[${bands.length - 1}].to: gap: bands end at ${last.to} but must cover 24 h back to ${anchor}`);
  if (last && pos > 1440 && bands.length > 1) {
    errors.push(`${path}[${bands.length - 1}].to: band overlaps band 0 (${bands[0]?.from}–${bands[0]?.to})`);
  }
}

function checkTiers(path: string, rule: Extract<ChargeRule, { type: 'tiers' }>, errors: string[]): void {
  let prevUp = 0;
  let maxPrice = 0;
  rule.tiers.forEach(function checkTier(tier, i) {
    const here = `${path}.tiers[${i}]`;
    const last = i === rule.tiers.length - 1;
    if (tier.upToMinutes === undefined && !last)
      errors.push(`${here}.upToMinutes: only the last tier may be open-ended`);
    if (tier.upToMinutes !== undefined && tier.upToMinutes <= prevUp) {
      errors.push(`${here}.upToMinutes: must be greater than the previous tier's ${prevUp} min`);
    }
    if (rule.mode === 'additive') {
      if (tier.unitMinutes === undefined) errors.push(`${here}.unitMinutes: an additive tier needs a unit`);
      else checkStep(here, tier.unitMinutes, tier.priceFen, rule.roundingMinutes, errors);
      if (last && tier.upToMinutes !== undefined)
        errors.push(`${here}.upToMinutes: the last additive tier must be open-ended`);
    } else if (tier.priceFen < maxPrice) {
      errors.push(
        `${here}.priceFen: a longer stay must not cost less (${tier.priceFen} < ${maxPrice} fen of an earlier tier)`,
      );
    }
    maxPrice = Math.max(maxPrice, tier.priceFen);
    prevUp = tier.upToMinutes ?? prevUp;
  });
  const lastTier = rule.tiers[rule.tiers.length - 1];
  if (rule.mode === 'flat' && rule.repeat) {
    if (lastTier?.upToMinutes !== rule.repeat.everyMinutes) {
      errors.push(
        `${path}.tiers[${rule.tiers.length - 1}].upToMinutes: must equal repeat.everyMinutes (${rule.repeat.everyMinutes})`,
      );
    }
    if (rule.repeat.priceFen < maxPrice) {
      errors.push(
        `${path}.repeat.priceFen: a whole cycle (${rule.repeat.priceFen} fen) must cost at least the dearest tier (${maxPrice} fen)`,
      );
    }
  } else if (rule.mode === 'flat' && lastTier?.upToMinutes !== undefined) {
    errors.push(
      `${path}.tiers[${rule.tiers.length - 1}].upToMinutes: without repeat the last flat tier must be open-ended`,
    );
  }
  if (rule.mode === 'additive' && rule.repeat)
    errors.push(`${path}.repeat: only flat tiers repeat; use caps.daily with additive tiers`);
}

/**
 * The prices a stay's first charged unit can have (interval: the first interval, else the unit; bands: any band, a
 * stay may start in each; tiers: the first tier), or with `all`, every unit price the rule has.
 */
function unitPrices(rule: ChargeRule, all = false): number[] {
  if (rule.type === 'interval') {
    if (!rule.first) return [rule.priceFen];
    return all ? [rule.first.priceFen, rule.priceFen] : [rule.first.priceFen];
  }
  if (rule.type === 'bands') {
    const sets = [
      rule.bands,
      ...(['weekday', 'weekend', 'holiday'] as const).map((d) => rule.dayTypes?.[d]?.bands ?? []),
    ];
    return sets.flat().map((b) => b.priceFen);
  }
  return (all ? rule.tiers : rule.tiers.slice(0, 1)).map((t) => t.priceFen);
}

/** Every band of a rule with its field path. */
function bandsOf(path: string, rule: Extract<ChargeRule, { type: 'bands' }>): [string, Band][] {
  const out: [string, Band][] = rule.bands.map((b, i) => [`${path}.bands[${i}]`, b]);
  for (const dt of ['weekday', 'weekend', 'holiday'] as const) {
    for (const [i, b] of (rule.dayTypes?.[dt]?.bands ?? []).entries())
      out.push([`${path}.dayTypes.${dt}.bands[${i}]`, b]);
  }
  return out;
}

/**
 * Caps that contradict the prices they cap (#15.2): a cap below the first unit a stay can be charged makes the
 * published unit price untrue for every paying stay; a band's cap below its own unit price likewise; escalating
 * caps of a long stay that go down.
 */
function checkCaps(path: string, rule: ChargeRule, errors: string[]): void {
  const firstUnits = unitPrices(rule).filter((p) => p > 0);
  const cheapest = firstUnits.length > 0 ? Math.min(...firstUnits) : 0;
  const what = rule.type === 'bands' ? 'the cheapest band unit' : 'the first unit';
  const daily = rule.caps?.daily?.capsFen ?? [];
  daily.forEach(function checkDailyCap(cap, i) {
    const here = `${path}.caps.daily.capsFen[${i}]`;
    if (cap < cheapest) {
      errors.push(`${here}: cap ${cap} fen is below ${what} (${cheapest} fen): no stay could be charged one full unit`);
    }
    const before = daily[i - 1];
    if (before !== undefined && cap < before) {
      errors.push(
        `${here}: escalating caps must not go down (${cap} fen after ${before} fen): a longer stay would pay less a day`,
      );
    }
  });
  const stay = rule.caps?.perStayFen;
  if (stay !== undefined && stay < cheapest) {
    errors.push(
      `${path}.caps.perStayFen: cap ${stay} fen is below ${what} (${cheapest} fen): no stay could be charged one full unit`,
    );
  }
  if (rule.type === 'bands') {
    for (const [here, band] of bandsOf(path, rule)) {
      if (band.capFen !== undefined && band.capFen < band.priceFen) {
        errors.push(`${here}.capFen: cap ${band.capFen} fen is below the band's own unit price (${band.priceFen} fen)`);
      }
    }
  }
}

/**
 * What is legal but most likely not meant (#15.2); shown by the validate route and the CLI, never refused. Caps that
 * can never bind are found with the engine in `validateTariff`.
 */
export function tariffWarnings(t: Tariff): string[] {
  const warnings: string[] = [];
  for (const [name, rule] of Object.entries(t.rules)) {
    if (rule.type === 'exempt') continue;
    const path = `rules.${name}`;
    const first = unitPrices(rule).filter((p) => p > 0);
    const units = unitPrices(rule, true).filter((p) => p > 0);
    const dearest = units.length > 0 ? Math.max(...units) : 0;
    const cheapest = first.length > 0 ? Math.min(...first) : 0;
    rule.caps?.daily?.capsFen.forEach(function warnDaily(cap, i) {
      if (cap >= cheapest && cap < dearest) {
        warnings.push(
          `${path}.caps.daily.capsFen[${i}]: cap ${cap} fen is below the dearest unit of the rule (${dearest} fen): a stay is capped before that unit is paid in full`,
        );
      }
    });
    const stay = rule.caps?.perStayFen;
    const firstDaily = rule.caps?.daily?.capsFen[0];
    if (stay !== undefined && firstDaily !== undefined && stay <= firstDaily) {
      warnings.push(
        `${path}.caps.daily: never binds: the cap per stay (${stay} fen) is not above the first daily cap (${firstDaily} fen)`,
      );
    }
    if (rule.type === 'bands') {
      for (const [here, band] of bandsOf(path, rule)) {
        if (band.capFen === undefined) continue;
        const length = (minuteOfTime(band.to) - minuteOfTime(band.from) + 1440) % 1440 || 1440;
        const step = band.roundingMinutes ?? band.unitMinutes;
        const full = Math.ceil(length / step) * ((band.priceFen * step) / band.unitMinutes);
        if (band.capFen >= full) {
          warnings.push(
            `${here}.capFen: never binds: the whole band (${band.from}–${band.to}) costs at most ${full} fen, not more than the cap of ${band.capFen} fen`,
          );
        }
      }
    }
  }
  return warnings;
}

function checkRule(path: string, rule: ChargeRule, errors: string[]): void {
  checkCaps(path, rule, errors);
  if (rule.after24h === 'restart' && rule.caps?.daily?.window === 'calendar-day') {
    errors.push(
      `${path}.after24h: restart starts a new 24 h from entry; a calendar-day cap (caps.daily.window) cannot restart with it: use rolling-24h`,
    );
  }
  for (const v of Object.keys(rule.vehicleFactors ?? {})) {
    if (!(VEHICLE_CLASSES as readonly string[]).includes(v)) {
      errors.push(`${path}.vehicleFactors.${v}: unknown vehicle class '${v}' (known: ${VEHICLE_CLASSES.join(', ')})`);
    }
  }
  if (rule.type === 'interval') {
    checkStep(path, rule.unitMinutes, rule.priceFen, rule.roundingMinutes, errors);
  } else if (rule.type === 'tiers') {
    checkTiers(path, rule, errors);
  } else if (rule.type === 'bands') {
    const anchor = rule.bands[0]?.from ?? '00:00';
    checkBands(`${path}.bands`, rule.bands, anchor, errors);
    for (const dt of ['weekday', 'weekend', 'holiday'] as const) {
      const set = rule.dayTypes?.[dt];
      if (set) checkBands(`${path}.dayTypes.${dt}.bands`, set.bands, anchor, errors);
    }
  }
  const min = rule.minimumFen;
  if (min !== undefined) {
    const stay = rule.caps?.perStayFen;
    if (stay !== undefined && stay < min) {
      errors.push(
        `${path}.caps.perStayFen: cap ${stay} fen is below the minimum charge ${min} fen (${path}.minimumFen)`,
      );
    }
    rule.caps?.daily?.capsFen.forEach(function checkDaily(cap, i) {
      if (cap < min) {
        errors.push(
          `${path}.caps.daily.capsFen[${i}]: cap ${cap} fen is below the minimum charge ${min} fen (${path}.minimumFen)`,
        );
      }
    });
  }
}
