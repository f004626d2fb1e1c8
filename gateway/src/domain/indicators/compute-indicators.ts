import { clippedDwell, decisionFigures, inPeriod, sessionFigures, turnover } from './activity-figures.ts';
import { DEFINITIONS, type IndicatorDefinitions } from './definitions.ts';
import { difficultyIndex } from './difficulty-index.ts';
import { dataQuality, facilityCompliance } from './facility-figures.ts';
import type { CapacityVersion, ReportInput, SessionRecord } from './indicator-input.ts';
import type { IndicatorResult, ZoneFigures } from './indicator-result.ts';
import { DAY_MS, localDays, MINUTE_MS, OffsetTimeline } from './local-time.ts';
import { occupancyFigures } from './occupancy-figures.ts';
import { capacityIntegral, sumPiecewise, zonePiecewise } from './occupancy-series.ts';
import { expectedIntervals, type SourceRule, sourceRule } from './source-rules.ts';

const UNMEASURED = {
  sessions: { zh: '数据来源不含车次记录（仅有占用数）', en: 'the source records no stays (occupancy counts only)' },
  payments: { zh: '数据来源不含收费记录', en: 'the source records no payments' },
  decisions: { zh: '数据来源不含道闸决策记录', en: 'the source records no gate decisions' },
  registry: { zh: '数据来源不含车辆登记', en: 'the source has no vehicle register' },
} as const;

function groupBy<T>(items: T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function zoneOfVersion(v: CapacityVersion): string {
  return v.zone;
}

function zoneOfSession(s: SessionRecord): string | undefined {
  return s.zone;
}

/**
 * Every indicator of DESIGN §4 for one site over [from, to). Exact for the data given: step functions are integrated
 * exactly, sessions clipped to the period, and time without occupancy data is reported, never averaged over.
 */
export function computeIndicators(input: ReportInput, defs: IndicatorDefinitions = DEFINITIONS): IndicatorResult {
  const { site, from, to } = input;
  if (!(to > from)) throw Object.assign(new Error('report period must have to > from'), { code: 'EMPTY_PERIOD' });
  const params = defs.parameters;
  const offsets = new OffsetTimeline(from, to, site.timeZone);
  const occupancyByZone = new Map(input.occupancy.map((o) => [o.zone, o]));
  const versionsByZone = groupBy(input.capacityVersions, zoneOfVersion);
  const sessionsByZone = groupBy(input.sessions, zoneOfSession);

  const rules = site.zones.map((zone) => sourceRule(occupancyByZone.get(zone.id), params.hold));
  const pieces = site.zones.map((zone, k) => {
    const occupancy = occupancyByZone.get(zone.id);
    return zonePiecewise(
      occupancy,
      zone.capacity,
      versionsByZone.get(zone.id) ?? [],
      from,
      to,
      ((rules[k] as SourceRule).holdMinutes ?? Number.POSITIVE_INFINITY) * MINUTE_MS,
      expectedIntervals(occupancy?.expected, from, to, site.timeZone),
    );
  });
  // Turnover is per space per local calendar day (#12.8): ∫C dt scaled so a 23- or 25-hour day is one space-day.
  const days = localDays(from, to, site.timeZone);
  const spaceDays = (capInt: number): number => (capInt * days * DAY_MS) / (to - from);
  const zones: ZoneFigures[] = site.zones.map((zone, k) => {
    const p = pieces[k]!;
    const capInt = capacityIntegral(p);
    const zoneSessions = sessionsByZone.get(zone.id) ?? [];
    const entries = zoneSessions.filter((s) => inPeriod(s.entryAt, from, to)).length;
    return {
      zone: zone.id,
      name: zone.name,
      rule: rules[k] as SourceRule,
      ...occupancyFigures(p, offsets, params, false),
      spaceHourUtilisation:
        capInt > 0 && zoneSessions.length > 0 ? clippedDwell(zoneSessions, from, to) / capInt : null,
      turnover: zoneSessions.length > 0 ? turnover(entries, spaceDays(capInt)) : null,
      sessions: entries,
    };
  });
  const sitePiece = sumPiecewise(pieces);
  const siteFigures = occupancyFigures(sitePiece, offsets, params, true);
  const capInt = capacityIntegral(sitePiece);
  const sessions = sessionFigures(input.sessions, from, to, capInt, spaceDays(capInt));
  const decisions = decisionFigures(input.decisions, from, to);
  const households = input.households ?? site.households;
  const meanSpaces = capInt / (to - from);
  const ratios = {
    households,
    registeredVehicles: input.registeredVehicles,
    spacesPerHousehold: households > 0 ? meanSpaces / households : null,
    vehiclesPerSpace: meanSpaces > 0 ? input.registeredVehicles / meanSpaces : null,
  };
  // Per day = per local calendar day with data (#12.3, #12.8): the days' worth of expected observation that was
  // covered, so missing days are not counted as calm ones and a 25-hour day is one day.
  const expectedPerDay = siteFigures.expectedHours / days;
  const observedDays = expectedPerDay > 0 ? siteFigures.coveredHours / expectedPerDay : 0;
  const perDay = (x: number): number | null => (observedDays > 0 ? x / observedDays : null);
  const index = difficultyIndex(
    defs,
    {
      sustainedOccupancy: siteFigures.sustainedOccupancy,
      saturationHoursPerDay: perDay(siteFigures.saturationHours),
      deniedEntryRate: decisions.deniedEntryRate,
      nightOccupancy: siteFigures.nightOccupancy,
      spacesPerHousehold: ratios.spacesPerHousehold,
      overflowHoursPerDay: perDay(siteFigures.overflowHours),
    },
    observedDays,
    { completeness: siteFigures.completeness, localDays: days },
  );
  // What the source cannot measure is null with its reason, never 0 (#12.5).
  const measured = input.measured ?? { sessions: true, decisions: true, payments: true, registry: true };
  const unmeasured: Record<string, { zh: string; en: string }> = {};
  if (!measured.sessions) {
    for (const key of ['spaceHourUtilisation', 'turnover', 'meanDwell', 'exceptionsPer100']) {
      unmeasured[key] = UNMEASURED.sessions;
    }
    sessions.spaceHourUtilisation = null;
    sessions.turnover = null;
    sessions.meanDwellHours = null;
    sessions.exceptions.per100Sessions = null;
    for (const zone of zones) {
      zone.spaceHourUtilisation = null;
      zone.turnover = null;
    }
  }
  if (!measured.payments) {
    unmeasured.revenue = UNMEASURED.payments;
    sessions.revenue = null;
  }
  if (!measured.decisions) {
    unmeasured.deniedEntryRate = UNMEASURED.decisions;
    decisions.deniedEntryRate = null;
    decisions.visitorDeniedRate = null;
  }
  if (!measured.registry) {
    unmeasured.vehiclesPerSpace = UNMEASURED.registry;
    ratios.vehiclesPerSpace = null;
  }
  return {
    from,
    to,
    timeZone: site.timeZone,
    site: siteFigures,
    zones,
    sessions,
    decisions,
    ratios,
    compliance: facilityCompliance(site, households, params.facilityStandard, input.facilities),
    dataQuality: dataQuality(
      site,
      from,
      to,
      siteFigures.completeness,
      input.sensorDowntime,
      input.disagreement,
      params.disagreementTolerance,
    ),
    index,
    unmeasured,
  };
}
