import { z } from 'zod';

const Ratio = z.number().nullable();

export const DayFigures = z.object({
  /** Local calendar date, YYYY-MM-DD. */
  date: z.string(),
  start: z.number(),
  meanOccupancy: Ratio,
  peakOccupancy: Ratio,
  sustainedOccupancy: Ratio,
  saturationHours: z.number(),
  overflowHours: z.number(),
  completeness: z.number(),
});
export type DayFigures = z.infer<typeof DayFigures>;

export const OccupancyFigures = z.object({
  meanCapacity: z.number(),
  meanOccupancy: Ratio,
  peakOccupancy: Ratio,
  /** Start of the peak 15-minute window. */
  peakAt: z.number().nullable(),
  /** The 85th percentile of the 15-minute means: a level held for 15% of the observed time (#12.4). */
  sustainedOccupancy: Ratio,
  /** The most vehicles above capacity at any instant (rates are capped at capacity, #12.6). */
  maxOverflow: z.number(),
  nightOccupancy: Ratio,
  saturationHours: z.number(),
  overflowHours: z.number(),
  /** Covered hours / expected hours (#12.2). */
  completeness: z.number(),
  /** Hours the source was expected to observe that have data. */
  coveredHours: z.number(),
  /** Hours the source was expected to observe (its daily windows within the period; all of it for sensors and gates). */
  expectedHours: z.number(),
  gapCount: z.number().int(),
  /** The first 50 intervals without occupancy data where the source was expected to observe. */
  gaps: z.array(z.object({ from: z.number(), to: z.number() })),
  detail: z
    .object({
      /** Mean occupancy by local hour of day, 0–23. */
      hourlyProfile: z.array(Ratio),
      /** Saturated hours by weekday (0 = Monday) × local hour. */
      saturationHeatmap: z.array(z.array(z.number())),
      heatmapCoveredHours: z.array(z.array(z.number())),
      days: z.array(DayFigures),
    })
    .nullable(),
});
export type OccupancyFigures = z.infer<typeof OccupancyFigures>;

/** How a zone's readings were counted (#12.1): the source, how long a reading holds, the expected window. */
export const SourceRuleFigures = z.object({
  source: z.enum(['sensor', 'count', 'feed']),
  holdMinutes: z.number().nullable(),
  hold: z.object({ zh: z.string(), en: z.string() }),
  expectedWindow: z.string(),
});

export const ZoneFigures = OccupancyFigures.extend({
  zone: z.string(),
  name: z.string(),
  rule: SourceRuleFigures,
  spaceHourUtilisation: Ratio,
  turnover: Ratio,
  sessions: z.number().int(),
});
export type ZoneFigures = z.infer<typeof ZoneFigures>;

export const ClassCount = z.record(z.string(), z.number());

export const SessionFigures = z.object({
  /** Sessions of the period: entered in it (no-entry-record exits count at their exit). */
  sessions: z.number().int(),
  stillInside: z.number().int(),
  spaceHourUtilisation: Ratio,
  turnover: Ratio,
  meanDwellHours: Ratio,
  meanDwellHoursByClass: z.record(z.string(), z.number()),
  exceptions: z.object({
    noEntryRecord: z.number().int(),
    fuzzy: z.number().int(),
    manualOpen: z.number().int(),
    visitorOverstay: z.number().int(),
    total: z.number().int(),
    per100Sessions: Ratio,
  }),
  /** Null where the source records no payments (see `unmeasured`). */
  revenue: z
    .object({
      paidFen: z.number().int(),
      billedFen: z.number().int(),
      paidFenByUserClass: z.record(z.string(), z.number().int()),
      paidFenByVehicleClass: z.record(z.string(), z.number().int()),
      billedFenByUserClass: z.record(z.string(), z.number().int()),
      billedFenByVehicleClass: z.record(z.string(), z.number().int()),
    })
    .nullable(),
});
export type SessionFigures = z.infer<typeof SessionFigures>;

export const DecisionFigures = z.object({
  entriesAdmitted: z.number().int(),
  entriesDenied: z.number().int(),
  entriesReferred: z.number().int(),
  deniedEntryRate: Ratio,
  deniedByReason: z.record(z.string(), z.object({ count: z.number().int(), rate: z.number() })),
  /** Denied-entry rate of visitors and temporary vehicles, when decisions carry the user class. */
  visitorDeniedRate: Ratio,
});
export type DecisionFigures = z.infer<typeof DecisionFigures>;

export const ComplianceItem = z.object({
  key: z.string(),
  zh: z.string(),
  en: z.string(),
  pass: z.boolean(),
  figure: z.number(),
  required: z.number(),
  detail: z.string().optional(),
});
export type ComplianceItem = z.infer<typeof ComplianceItem>;

export const DataQuality = z.object({
  completeness: z.number(),
  sensors: z.number().int(),
  sensorAvailability: Ratio,
  disagreementSamples: z.number().int(),
  meanDisagreement: Ratio,
  maxDisagreement: z.number().nullable(),
  disagreementShare: Ratio,
  /** Plain-language warnings, zh and en. */
  flags: z.array(z.object({ zh: z.string(), en: z.string() })),
});
export type DataQuality = z.infer<typeof DataQuality>;

export const IndexResult = z.object({
  value: z.number().nullable(),
  level: z.object({ key: z.string(), zh: z.string(), en: z.string() }).nullable(),
  components: z.array(
    z.object({
      key: z.string(),
      figure: z.number().nullable(),
      score: z.number().nullable(),
      weight: z.number(),
      contribution: z.number().nullable(),
    }),
  ),
  missing: z.array(z.string()),
  reasons: z.object({ zh: z.string(), en: z.string() }),
  /**
   * What the per-day components were divided by (#12.3, #12.8): local calendar days of the period, and the days'
   * worth of expected observation that had data; the completeness the floor was checked against.
   */
  basis: z.object({
    localDays: z.number(),
    observedDays: z.number(),
    completeness: z.number(),
    minCompleteness: z.number(),
  }),
});
export type IndexResult = z.infer<typeof IndexResult>;

export const IndicatorResult = z.object({
  from: z.number(),
  to: z.number(),
  timeZone: z.string(),
  site: OccupancyFigures,
  zones: z.array(ZoneFigures),
  sessions: SessionFigures,
  decisions: DecisionFigures,
  ratios: z.object({
    households: z.number().int(),
    registeredVehicles: z.number().int(),
    spacesPerHousehold: Ratio,
    vehiclesPerSpace: Ratio,
  }),
  compliance: z.array(ComplianceItem),
  dataQuality: DataQuality,
  index: IndexResult,
  /** Figures the source cannot measure, by indicator key, with the reason: they are null, not 0 (#12.5). */
  unmeasured: z.record(z.string(), z.object({ zh: z.string(), en: z.string() })),
});
export type IndicatorResult = z.infer<typeof IndicatorResult>;
