/**
 * Shapes of the HTTP API replies as the dashboard reads them (docs/http-api.md). Wherever the gateway has a zod schema
 * for a shape, its type is imported from there (type-only imports, so zod stays out of the bundle); the few replies that
 * routes declare inline are written out here from the route's schema.
 */
import type { z } from 'zod';
import type { ImportResult } from '../../../gateway/src/adapters/csv/csv-table.ts';
import type { User as GatewayUser } from '../../../gateway/src/adapters/sqlite/accounts.ts';
import type { LiveEventData, LiveEventType } from '../../../gateway/src/app/live-events.ts';
import type { ReasonCode } from '../../../gateway/src/domain/gate/reason-catalogue.ts';
import type { IndicatorDefinition, IndicatorDefinitions } from '../../../gateway/src/domain/indicators/definitions.ts';
import type {
  BlacklistEntry as BlacklistSchema,
  EmergencyVehicle,
  Household,
  Pass as PassSchema,
  StaffVehicle,
  Vehicle as VehicleSchema,
  Visitor as VisitorSchema,
} from '../../../gateway/src/domain/registry/registry.schema.ts';
import type { ExceptionKind, Payment as LedgerPayment, Session } from '../../../gateway/src/domain/session/session.ts';
import type { QuoteItem } from '../../../gateway/src/domain/tariff/tariff.schema.ts';
import type {
  DifficultyLevel,
  DisplayPayload,
  OccupancyPayload,
  OccupancyStatus,
} from '../../../gateway/src/protocol/payloads.ts';
import type { BureauRow, BureauView } from '../../../gateway/src/reports/bureau-aggregator.ts';

export type {
  BureauRow,
  BureauView,
  DifficultyLevel,
  EmergencyVehicle,
  ExceptionKind,
  Household,
  IndicatorDefinition,
  IndicatorDefinitions,
  OccupancyPayload,
  OccupancyStatus,
  ReasonCode,
  StaffVehicle,
};

/** Registry records as the gateway stores and returns them. */
export type Vehicle = z.output<typeof VehicleSchema>;
export type Pass = z.output<typeof PassSchema>;
export type Visitor = z.output<typeof VisitorSchema>;
export type BlacklistEntry = z.output<typeof BlacklistSchema>;
/** What a registry POST/PUT takes: the record without `site` (the path gives it), defaults left out. */
export type RegistryInput<T extends z.ZodType> = Omit<z.input<T>, 'site'>;
export type VehicleInput = RegistryInput<typeof VehicleSchema>;
export type PassInput = RegistryInput<typeof PassSchema>;
export type VisitorInput = Omit<RegistryInput<typeof VisitorSchema>, 'createdBy'> & { createdBy?: string };
export type BlacklistInput = RegistryInput<typeof BlacklistSchema>;
export type HouseholdInput = RegistryInput<typeof Household>;
export type ImportReply = ImportResult;

export type User = GatewayUser;
export type Role = User['role'];
/** `POST /api/auth/login`: `expiresAt` is on the gateway's clock (accelerated in the demo), `ttlMs` on any clock. */
export type LoginReply = { token: string; expiresAt: number; ttlMs: number; user: User };

export type PublicZone = { id: string; name: string; capacity: number; free: number; status: OccupancyStatus };
export type PublicSite = {
  id: string;
  name: string;
  capacity: number;
  occupied: number;
  free: number;
  status: OccupancyStatus;
  zones: PublicZone[];
};

export type PublicTariff = {
  id: string;
  version: string | number;
  effectiveFrom: number | string;
  textZh: string;
  textEn: string;
};
export type PublicTariffReply = { site: string; tariffs: PublicTariff[] };

/** One line of a fee breakdown from the tariff engine; the public look-up sends the first six fields only. */
export type FeeItem = Pick<QuoteItem, 'kind' | 'text' | 'textEn' | 'fromLocal' | 'toLocal' | 'amountFen'> &
  Partial<Omit<QuoteItem, 'kind' | 'text' | 'textEn' | 'fromLocal' | 'toLocal' | 'amountFen'>>;

export type FeeQuote = {
  totalFen: number;
  paidFen: number;
  dueFen: number;
  items: FeeItem[];
  paidExitUntil?: number | null;
};

export type PublicFeeReply = {
  plate: string;
  /** The gateway's time of the quote; the stay so far is `quotedAt − entryAt`. */
  quotedAt: number;
  inside: boolean;
  entryAt: number | null;
  totalFen: number;
  paidFen: number;
  dueFen: number;
  items: FeeItem[];
};

/** `/api/sites` gives lanes as names; the site config gives them as objects. */
export type SiteLane = 'entry' | 'exit' | { lane: 'entry' | 'exit' };
export type SiteGate = { id: string; name: string; lanes: SiteLane[] };
export type SiteZone = { id: string; name: string; capacity: number; spaces?: number };
export type SiteInfo = {
  id: string;
  name: string;
  timeZone?: string;
  households?: number;
  capacity?: number;
  zones: SiteZone[];
  gates: SiteGate[];
};

export type SpaceState = 'free' | 'occupied' | 'unknown' | 'offline';
export type Space = {
  id: string;
  zone: string;
  state: SpaceState;
  since?: number;
  flapping?: boolean;
  battery?: number;
};

export type LaneDecision = {
  at: number;
  plate: string | null;
  readPlate?: string | null;
  action: string;
  reason: string;
  fuzzy?: unknown;
  sessionId?: string | null;
};
export type LaneDisplay = {
  lines: string[];
  colour: DisplayPayload['colour'] | string;
  voice?: string | null;
  /** Gateway time the panel was told to show this. */
  at: number;
  /** How long the panel shows it before it goes blank. */
  seconds: number;
};
export type LaneView = {
  gate: string;
  gateName?: string;
  lane: 'entry' | 'exit';
  recent: LaneDecision[];
  display: LaneDisplay | null;
  barrier: { state: string; at?: number } | null;
};

export type Device = {
  id: string;
  kind: string;
  online: boolean;
  lastSeenAt?: number;
  battery?: number;
  firmware?: string;
};

export type ParkingException = {
  id: number | string;
  at: number;
  kind: ExceptionKind | string;
  gate?: string | null;
  lane?: string | null;
  plate?: string | null;
  readPlate?: string | null;
  sessionId?: string | null;
  detail?: unknown;
  status?: string;
};

export type SessionRow = Pick<Session, 'id' | 'plate' | 'entryAt' | 'exitAt' | 'status'> & Partial<Session>;
export type Page<T> = { total: number; items: T[] };

export type Decision = {
  id?: string;
  at: number;
  gate?: string;
  lane?: string;
  plate?: string;
  action: string;
  reason?: string;
  reasonCode?: string;
  displayText?: string;
  fuzzy?: boolean;
  latencyMs?: number;
};
export type Payment = Pick<LedgerPayment, 'at' | 'amountFen'> & Partial<LedgerPayment> & { terminalId?: string };
export type SessionDetail = {
  session: SessionRow;
  decisions: Decision[];
  payments: Payment[];
  fee: FeeQuote | null;
};

export type AuditEntry = {
  at: number;
  actor: string;
  action: string;
  target?: string | null;
  reason?: string | null;
  detail?: unknown;
};

export type TariffEntry = {
  doc: Record<string, unknown> & { id?: string; version?: string | number; effectiveFrom?: unknown };
  textZh: string;
  textEn: string;
};
export type TariffReply = { tariffs: TariffEntry[]; inForce: string | null };

export type ReportRow = {
  period: string;
  start: number;
  end: number;
  index: number | null;
  level: DifficultyLevel | string | null;
  generatedAt: number;
};

export type LiveEventKind = LiveEventType;
/** One live event as the SSE stream sends it (`event: <kind>`): the gateway's event data with `site` and `at` added. */
export type LiveEvent = {
  [K in LiveEventType]: { kind: K; site: string; data: LiveEventData<K> & { site: string; at: number } };
}[LiveEventType];
