import { z } from 'zod';
import { ReasonCode } from '../domain/gate/reason-catalogue.ts';
import { SiteOccupancy, SpaceChange } from '../domain/occupancy/occupancy.schema.ts';
import { ResolvedKind } from '../domain/registry/credential-resolver.ts';
import { ExceptionKind, Payment } from '../domain/session/session.ts';
import { DisplayPayload } from '../protocol/payloads.ts';
import { ReportSummary } from '../reports/report.ts';

/**
 * Every live event the gateway emits: one schema per kind, shared by the emitters (the bus only takes these), the
 * time-series bridge, the SSE route and the dashboard's types. The SSE stream sends `event: <type>` and, as data, the
 * event's `data` with `site` and `at` added.
 */
const Lane = z.enum(['entry', 'exit']);
const Epoch = z.number().int();

/** A gate outcome: a plate read decided, a paid exit let out, a manual open. */
export const DecisionEvent = z.object({
  gate: z.string(),
  lane: Lane,
  /** The plate decided about ('' when none was read). */
  plate: z.string(),
  /** `late`: a read that arrived after the car had gone; recorded, opens nothing. */
  action: z.enum(['open', 'deny', 'refer', 'hold', 'late']),
  reason: ReasonCode,
  /** A barrier command went out: the car passes. False for a late read, a hold, a denial. */
  opened: z.boolean(),
  message: z.object({ zh: z.string(), en: z.string() }).optional(),
  fuzzy: z.object({ read: z.string(), matched: z.string(), distance: z.number() }).nullable().optional(),
  dueFen: z.number().int().nullable().optional(),
  sessionId: z.string().nullable(),
  credentialKind: ResolvedKind.nullable(),
  /** The tariff class the car is charged as (owner, visitor, …); null when no car was identified. */
  userClass: z.string().nullable(),
});

/** Money taken: a terminal, an online callback or staff; its classes are those of the session it paid for. */
export const PaymentEvent = z.object({
  paymentId: z.string(),
  sessionId: z.string().nullable(),
  plate: z.string().nullable(),
  amountFen: z.number().int().positive(),
  method: z.string(),
  source: Payment.shape.source,
  /** The session's tariff class; `unknown` for a payment kept for a plate with no session yet. */
  userClass: z.string(),
  vehicleClass: z.string(),
});

export const SessionEvent = z.object({ sessionId: z.string(), paidFen: z.number().int() });

export const DeviceHealth = z.object({
  id: z.string(),
  site: z.string(),
  kind: z.string(),
  online: z.boolean(),
  lastSeenAt: Epoch,
  battery: z.number().nullable(),
  firmware: z.string().nullable(),
});
export type DeviceHealth = z.infer<typeof DeviceHealth>;

export const BarrierEvent = z.object({
  gate: z.string(),
  lane: Lane,
  state: z.enum(['opened', 'closed', 'fault']),
  cause: z.string(),
});

export const ExceptionEvent = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('open'),
    id: z.number().int(),
    kind: ExceptionKind,
    gate: z.string().nullable(),
    lane: Lane.nullable(),
    plate: z.string().nullable(),
    readPlate: z.string().nullable(),
    sessionId: z.string().nullable(),
  }),
  z.object({ status: z.literal('resolved'), id: z.number().int(), action: z.string() }),
]);

export const DisplayEvent = DisplayPayload.extend({ gate: z.string() });

export const AuditEvent = z.object({
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  reason: z.string().nullable(),
});

const event = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), site: z.string(), at: Epoch, data });

export const LiveEvent = z.discriminatedUnion('type', [
  event('decision', DecisionEvent),
  event('payment', PaymentEvent),
  event('session', SessionEvent),
  event('space', SpaceChange),
  event('occupancy', SiteOccupancy),
  event('device', DeviceHealth),
  event('barrier', BarrierEvent),
  event('exception', ExceptionEvent),
  event('display', DisplayEvent),
  event('audit', AuditEvent),
  event('report', ReportSummary),
]);
export type LiveEvent = z.infer<typeof LiveEvent>;
export type LiveEventType = LiveEvent['type'];
export const LIVE_EVENT_TYPES = LiveEvent.options.map((o) => o.shape.type.value);
/** The data of one kind of event. */
export type LiveEventData<T extends LiveEventType> = Extract<LiveEvent, { type: T }>['data'];
