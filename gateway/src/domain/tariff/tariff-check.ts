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

function checkRule(path: string, rule: ChargeRule, errors: string[]): void {
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
