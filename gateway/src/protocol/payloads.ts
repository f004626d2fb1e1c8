import { z } from 'zod';

/** Site, gate, space and device ids: never an MQTT wildcard or separator. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const Id = z.string().regex(ID_PATTERN, 'must be 1–64 characters of A–Z a–z 0–9 _ -');
export type Id = z.infer<typeof Id>;

/** Every `ts` is epoch milliseconds (UTC), an integer. */
export const EpochMs = z.int().min(0).max(8_640_000_000_000_000);
export type EpochMs = z.infer<typeof EpochMs>;

export const EventId = z.string().min(1).max(128);
export const ShortText = z.string().max(64);

export const Lane = z.enum(['entry', 'exit']);
export type Lane = z.infer<typeof Lane>;

export const DeviceKind = z.enum(['camera', 'barrier', 'loop', 'display', 'payTerminal', 'spaceSensor']);
export type DeviceKind = z.infer<typeof DeviceKind>;

export const ReportPeriod = z.enum(['day', 'week', 'month']);
export type ReportPeriod = z.infer<typeof ReportPeriod>;

const deviceEvent = {
  eventId: EventId,
  ts: EpochMs,
  deviceId: Id,
};

export const PlateColour = z.enum(['blue', 'green', 'yellow', 'white', 'black']);
export type PlateColour = z.infer<typeof PlateColour>;

export const PlatePayload = z.strictObject({
  ...deviceEvent,
  lane: Lane,
  plate: z.string().max(16).describe('plate text as read; empty string when no plate was read'),
  colour: PlateColour,
  confidence: z.number().min(0).max(1),
  cameraId: Id,
  imageUrl: z.string().max(512).optional(),
});
export type PlatePayload = z.infer<typeof PlatePayload>;

export const BarrierStateValue = z.enum(['opened', 'closed', 'fault']);
export const BarrierCause = z.enum(['command', 'manual', 'auto', 'obstruction', 'fault', 'power']);

export const BarrierStatePayload = z.strictObject({
  ...deviceEvent,
  lane: Lane,
  state: BarrierStateValue,
  cause: BarrierCause,
  commandId: z.string().min(1).max(64).nullable().optional().describe('the command this state answers, if any'),
});
export type BarrierStatePayload = z.infer<typeof BarrierStatePayload>;

export const LoopState = z.enum(['present', 'passed', 'clear']);

export const LoopPayload = z.strictObject({
  ...deviceEvent,
  lane: Lane,
  state: LoopState.describe('passed = the vehicle really went through'),
});
export type LoopPayload = z.infer<typeof LoopPayload>;

export const PaymentMethod = z.enum(['cash', 'wechat', 'alipay', 'unionpay', 'etc']);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

export const PaymentPayload = z
  .strictObject({
    ...deviceEvent,
    sessionId: z.string().min(1).max(64).nullable(),
    plate: z.string().min(1).max(16).nullable(),
    amountFen: z.int().min(1).max(100_000_000),
    method: PaymentMethod,
    terminalId: Id,
    transactionId: z.string().min(1).max(128).optional(),
  })
  .refine(hasSessionOrPlate, { message: 'sessionId or plate is required', path: ['sessionId'] });
export type PaymentPayload = z.infer<typeof PaymentPayload>;

function hasSessionOrPlate(p: { sessionId: string | null; plate: string | null }): boolean {
  return p.sessionId !== null || p.plate !== null;
}

export const SpaceStatePayload = z.strictObject({
  ...deviceEvent,
  occupied: z.boolean(),
  battery: z.number().min(0).max(100).optional(),
  signal: z.number().min(-200).max(0).optional().describe('received signal strength, dBm'),
});
export type SpaceStatePayload = z.infer<typeof SpaceStatePayload>;

export const DeviceStatusPayload = z.strictObject({
  ...deviceEvent,
  kind: DeviceKind,
  online: z.boolean(),
  firmware: ShortText,
  battery: z.number().min(0).max(100).optional(),
});
export type DeviceStatusPayload = z.infer<typeof DeviceStatusPayload>;

export const BarrierAction = z.enum(['open', 'close', 'hold-open']);
export type BarrierAction = z.infer<typeof BarrierAction>;

export const BarrierCommandPayload = z.strictObject({
  commandId: z.string().min(1).max(64),
  ts: EpochMs,
  lane: Lane,
  action: BarrierAction,
  reasonCode: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 characters of A–Z a–z 0–9 _ . -'),
  sessionId: z.string().min(1).max(64).nullable(),
  plate: z.string().max(16).nullable(),
});
export type BarrierCommandPayload = z.infer<typeof BarrierCommandPayload>;

export const DisplayColour = z.enum(['green', 'red', 'yellow', 'white']);

export const DisplayPayload = z.strictObject({
  ts: EpochMs,
  lane: Lane,
  lines: z.array(z.string().max(32)).min(1).max(4),
  voice: z.string().max(200).optional(),
  colour: DisplayColour,
  seconds: z.int().min(1).max(3600),
});
export type DisplayPayload = z.infer<typeof DisplayPayload>;

export const OccupancyStatus = z.enum(['open', 'almostFull', 'full', 'closed']);
export type OccupancyStatus = z.infer<typeof OccupancyStatus>;

const Count = z.int().min(0).max(1_000_000);

export const ZoneOccupancy = z.strictObject({
  id: Id,
  capacity: Count,
  occupied: Count,
  free: Count,
  status: OccupancyStatus,
  source: z.enum(['sensor', 'gate']),
});
export type ZoneOccupancy = z.infer<typeof ZoneOccupancy>;

export const OccupancyPayload = z.strictObject({
  site: Id,
  ts: EpochMs,
  capacity: Count,
  occupied: Count,
  free: Count,
  status: OccupancyStatus,
  zones: z.array(ZoneOccupancy).max(256),
  freshness: z.strictObject({
    ts: EpochMs.describe('when the figures were computed'),
    oldestInputAgeMs: z.int().min(0).describe('age of the oldest input behind the figures'),
  }),
});
export type OccupancyPayload = z.infer<typeof OccupancyPayload>;

export const DifficultyLevel = z.enum(['smooth', 'moderate', 'tight', 'severe']);
export type DifficultyLevel = z.infer<typeof DifficultyLevel>;

/** Chinese labels of the difficulty levels, for displays and reports. */
export const DIFFICULTY_LEVEL_LABELS: Record<DifficultyLevel, string> = {
  smooth: '畅通',
  moderate: '一般',
  tight: '紧张',
  severe: '严重',
};

/** Occupancy-like shares as fractions (1 = full); overflow can take them above 1. */
const Share = z.number().min(0).max(10);
const Reason = z.string().max(1000);

/** Everything the bureau ranks a community by, so a bureau instance needs nothing but this topic. */
export const ReportSummaryPayload = z.strictObject({
  site: Id,
  siteName: z.string().min(1).max(64),
  period: ReportPeriod,
  start: EpochMs,
  end: EpochMs,
  generatedAt: EpochMs,
  /** Null index and level: not enough data in the period to rate the community. */
  difficulty: z.strictObject({ index: z.number().min(0).max(100).nullable(), level: DifficultyLevel.nullable() }),
  reasons: z.strictObject({ zh: Reason, en: Reason }),
  figures: z.strictObject({
    capacity: z.number().min(0),
    meanOccupancy: Share.nullable(),
    peakOccupancy: Share.nullable(),
    nightOccupancy: Share.nullable(),
    saturationHours: z.number().min(0),
    overflowHours: z.number().min(0),
    deniedEntryRate: z.number().min(0).max(1).nullable(),
    turnover: z.number().min(0).nullable(),
    spacesPerHousehold: z.number().min(0).nullable(),
    sessions: z.int().min(0),
    /** Null where the data source records no payments (an imported occupancy feed). */
    revenueFen: z.int().min(0).nullable(),
    exceptionsPer100: z.number().min(0).nullable(),
    completeness: z.number().min(0).max(1),
  }),
  /** Where the full report is served (JSON, CSV, printable HTML). */
  url: z.string().min(1).max(512),
});
export type ReportSummaryPayload = z.infer<typeof ReportSummaryPayload>;
