import { z } from 'zod';

export const VEHICLE_CLASSES = ['small', 'large', 'motorcycle'] as const;
export const VehicleClass = z.enum(VEHICLE_CLASSES);
export type VehicleClass = z.infer<typeof VehicleClass>;

export const Energy = z.enum(['fuel', 'electric']);
export type Energy = z.infer<typeof Energy>;

export const DayType = z.enum(['weekday', 'weekend', 'holiday']);
export type DayType = z.infer<typeof DayType>;

function negative(issue: { input?: unknown }): string {
  return `must not be negative (got ${String(issue.input)})`;
}

/** Money: integer fen (分). */
export const Fen = z.int({ error: 'must be a whole number of fen' }).min(0, { error: negative });
export const Minutes = z.int({ error: 'must be whole minutes' }).positive({ error: 'must be at least 1 minute' });
export const TimeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, { error: 'must be HH:MM (00:00–24:00)' });
export const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be YYYY-MM-DD' });
export const LocalDateOrRange = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?$/, { error: 'must be YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD' });

export const FreePeriod = z.strictObject({
  minutes: Minutes,
  /** deduct: the first minutes of every stay are free; grace: the stay is free only if it ends within them. */
  mode: z.enum(['deduct', 'grace']),
});
export type FreePeriod = z.infer<typeof FreePeriod>;

export const DailyCap = z.strictObject({
  /** rolling-24h: each 24 h from entry; calendar-day: each local day starting at resetAt. */
  window: z.enum(['rolling-24h', 'calendar-day']),
  resetAt: TimeOfDay.default('00:00'),
  /** Cap of the 1st, 2nd, … window; the last one repeats (escalating caps for multi-day stays). */
  capsFen: z.array(Fen).min(1),
});
export type DailyCap = z.infer<typeof DailyCap>;

export const Caps = z.strictObject({
  perStayFen: Fen.optional(),
  daily: DailyCap.optional(),
});
export type Caps = z.infer<typeof Caps>;

export const NewEnergy = z.strictObject({
  freeMinutes: Minutes.optional(),
  discountPercent: z.int().min(0, { error: negative }).max(100).optional(),
});
export type NewEnergy = z.infer<typeof NewEnergy>;

const ruleCommon = {
  label: z.string().min(1),
  labelEn: z.string().min(1).optional(),
  freePeriod: FreePeriod.optional(),
  caps: Caps.optional(),
  minimumFen: Fen.optional(),
  /** Percent of the small-vehicle fee, per vehicle class (default 100). */
  vehicleFactors: z.record(z.string(), z.int().positive({ error: 'must be a positive percent' })).optional(),
  newEnergy: NewEnergy.optional(),
  /**
   * A stay longer than 24 h (#26.5): `continue` (default) charges it as one stay from entry (the free period once, the
   * daily cap per 24 h window); `restart` (重新滚动计费) charges each 24 h from entry as a stay of its own: free
   * period, night caps, daily cap (escalating by window), stay cap and minimum start afresh.
   */
  after24h: z.enum(['continue', 'restart']).optional(),
};

export const Band = z.strictObject({
  name: z.string().min(1),
  nameEn: z.string().min(1).optional(),
  from: TimeOfDay,
  to: TimeOfDay,
  unitMinutes: Minutes,
  priceFen: Fen,
  roundingMinutes: Minutes.optional(),
  /** At most this much per occurrence of the band (e.g. one night). */
  capFen: Fen.optional(),
});
export type Band = z.infer<typeof Band>;

export const BandSet = z.strictObject({ bands: z.array(Band).min(1) });

export const Tier = z.strictObject({
  /** Inclusive upper bound of the tier in minutes of charged time; omitted on an open-ended last tier. */
  upToMinutes: Minutes.optional(),
  priceFen: Fen,
  /** additive mode: priceFen per unitMinutes inside the tier. */
  unitMinutes: Minutes.optional(),
});
export type Tier = z.infer<typeof Tier>;

/**
 * A class that pays nothing. Its 公示 line is generated ("月卡车辆：免费"); `reason` is free text, printed only as a
 * clearly separated remark (备注，不作为收费依据): it can explain, never promise a rule the engine does not apply (#26.6).
 */
export const ExemptRule = z.strictObject({
  type: z.literal('exempt'),
  label: z.string().min(1),
  labelEn: z.string().min(1).optional(),
  reason: z.string().min(1).optional(),
  reasonEn: z.string().min(1).optional(),
});

export const IntervalRule = z.strictObject({
  type: z.literal('interval'),
  ...ruleCommon,
  first: z.strictObject({ minutes: Minutes, priceFen: Fen }).optional(),
  unitMinutes: Minutes,
  priceFen: Fen,
  roundingMinutes: Minutes.optional(),
});

export const TiersRule = z.strictObject({
  type: z.literal('tiers'),
  ...ruleCommon,
  mode: z.enum(['additive', 'flat']),
  tiers: z.array(Tier).min(1),
  roundingMinutes: Minutes.optional(),
  /** flat mode: each whole cycle costs priceFen and the remainder goes through the table again. */
  repeat: z.strictObject({ everyMinutes: Minutes, priceFen: Fen }).optional(),
});

export const BandsRule = z.strictObject({
  type: z.literal('bands'),
  ...ruleCommon,
  bands: z.array(Band).min(1),
  /** Band tables for other day types; a holiday falls back to weekend, then to `bands`. */
  dayTypes: z
    .object({ weekday: BandSet.optional(), weekend: BandSet.optional(), holiday: BandSet.optional() })
    .optional(),
});

export const Rule = z.discriminatedUnion('type', [ExemptRule, IntervalRule, TiersRule, BandsRule]);
export type Rule = z.infer<typeof Rule>;
export type ChargeRule = Exclude<Rule, { type: 'exempt' }>;

export const Tariff = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be lower-case letters, digits and dashes' }),
  version: z.int().positive(),
  name: z.string().min(1),
  nameEn: z.string().min(1).optional(),
  effectiveFrom: z.iso.datetime({ offset: true, error: 'must be an ISO date-time with offset' }),
  timeZone: z.string().default('Asia/Shanghai'),
  currency: z.literal('CNY').default('CNY'),
  unit: z.literal('fen').default('fen'),
  calendar: z
    .object({
      /** Public holidays (法定节假日), single days or ranges. */
      holidays: z.array(LocalDateOrRange).default([]),
      /** Make-up working days (调休上班) that fall on a weekend and count as weekdays. */
      workdays: z.array(LocalDate).default([]),
    })
    .default({ holidays: [], workdays: [] }),
  /** Minutes after a full payment in which the vehicle may leave without paying more. */
  paidExitMinutes: z.int().min(0, { error: negative }).default(15),
  /**
   * A car that paid in full and leaves after the paid-exit window (#26.1): `fromPayment` charges the overtime afresh
   * from the payment time (the rule's units and rounding, no second free period, its caps counted from then), as
   * "超时的自缴费时起重新计费" says; `fromEntry` charges the whole stay from entry less what was paid.
   */
  overtime: z.enum(['fromPayment', 'fromEntry']).default('fromPayment'),
  /**
   * What an exit with no entry record pays (#26.4): `feeFen` for every vehicle class, `byVehicleFen` per class (over
   * `feeFen`), or `dailyMaximum` (按当日最高收费: what the rule that applies charges that vehicle for the whole calendar
   * day of the exit). Absent: the quote fails with `no-entry-record` (refer to staff).
   */
  noEntryRecord: z
    .strictObject({
      feeFen: Fen.optional(),
      byVehicleFen: z.partialRecord(VehicleClass, Fen).optional(),
      dailyMaximum: z.literal(true).optional(),
    })
    .refine((n) => n.feeFen !== undefined || n.byVehicleFen !== undefined || n.dailyMaximum === true, {
      error: 'set feeFen, byVehicleFen or dailyMaximum: true (or leave noEntryRecord out to refer to staff)',
    })
    .optional(),
  coupons: z
    .object({
      /** best: only the single most valuable coupon; all: time, then percent, then amount coupons in turn. */
      stacking: z.enum(['best', 'all']).default('best'),
      maxPerStay: z.int().positive().default(1),
    })
    .default({ stacking: 'best', maxPerStay: 1 }),
  /** One rule per user class, e.g. visitor, owner, monthly, staff, free. */
  rules: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'user class must be lower-case' }), Rule),
});
export type Tariff = z.infer<typeof Tariff>;

/** 政府指导价: the most a tariff may charge. */
export const GuidanceCeiling = z.strictObject({
  name: z.string().optional(),
  perHourFen: z.partialRecord(VehicleClass, Fen).optional(),
  per24hFen: z.partialRecord(VehicleClass, Fen).optional(),
});
export type GuidanceCeiling = z.infer<typeof GuidanceCeiling>;

export const Coupon = z.discriminatedUnion('kind', [
  z.strictObject({ id: z.string(), kind: z.literal('amount'), amountFen: Fen }),
  z.strictObject({ id: z.string(), kind: z.literal('percent'), percentOff: z.int().min(1).max(100) }),
  z.strictObject({ id: z.string(), kind: z.literal('time'), minutes: Minutes }),
]);
export type Coupon = z.infer<typeof Coupon>;

export const Payment = z.strictObject({ at: z.number(), amountFen: Fen });
export type Payment = z.infer<typeof Payment>;

/** From `at` the stay is charged under `userClass` (#26.3): a pass or registration ended while the car was inside. */
export const ClassChange = z.strictObject({ at: z.number(), userClass: z.string() });
export type ClassChange = z.infer<typeof ClassChange>;

export const Stay = z.strictObject({
  /** Epoch ms; null when there is no entry record. */
  entryAt: z.number().nullable(),
  exitAt: z.number(),
  vehicleClass: VehicleClass.default('small'),
  energy: Energy.default('fuel'),
  userClass: z.string().default('visitor'),
  payments: z.array(Payment).default([]),
  coupons: z.array(Coupon).default([]),
  /**
   * The user class changes during the stay (#26.3): a monthly or annual pass (or a staff registration) ends at `at`,
   * and from then the stay is charged under the new class as if the car had entered then (its free period, caps and
   * minimum counted from then). A change at or before entry sets the class of the whole stay; one at or after the exit
   * changes nothing.
   */
  classChanges: z.array(ClassChange).default([]),
});
export type Stay = z.infer<typeof Stay>;

export const QuoteItemKind = z.enum([
  'free',
  'charge',
  'band-cap',
  'daily-cap',
  'stay-cap',
  'minimum',
  'vehicle',
  'new-energy',
  'coupon',
  'version-split',
  'exempt',
  'no-entry',
  'paid-exit',
  'overtime',
  'class-change',
]);
export type QuoteItemKind = z.infer<typeof QuoteItemKind>;

export const QuoteItem = z.object({
  kind: QuoteItemKind,
  /** Field path of the rule in the tariff document, e.g. rules.visitor.bands[1]. */
  rule: z.string(),
  text: z.string(),
  textEn: z.string(),
  /** `id@version` of the tariff that produced the item. */
  tariff: z.string(),
  from: z.number(),
  to: z.number(),
  fromLocal: z.string(),
  toLocal: z.string(),
  units: z.int(),
  unitFen: z.int(),
  amountFen: z.int(),
});
export type QuoteItem = z.infer<typeof QuoteItem>;

export const QuoteFailure = z.enum([
  'exit-before-entry',
  'no-tariff-in-force',
  'unknown-user-class',
  'no-entry-record',
  'invalid-stay',
]);
export type QuoteFailure = z.infer<typeof QuoteFailure>;

export const QuoteResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    totalFen: z.int(),
    paidFen: z.int(),
    dueFen: z.int(),
    items: z.array(QuoteItem),
    paidExit: z.object({ until: z.number() }).nullable(),
    tariffIds: z.array(z.string()),
  }),
  z.object({ ok: z.literal(false), reason: QuoteFailure, message: z.string() }),
]);
export type QuoteResult = z.infer<typeof QuoteResult>;
