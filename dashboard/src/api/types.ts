/**
 * Shapes of the HTTP API replies as the dashboard reads them (docs/http-api.md). Device payload types come from the
 * gateway's zod schemas (type-only imports, so zod stays out of the bundle). The HTTP reply shapes mirror the contract
 * until the gateway exports their schemas; the views read them defensively, so a missing field shows as "—".
 */
import type { ReasonCode } from '../../../gateway/src/domain/gate/reason-catalogue.ts';
import type { ExceptionKind, Payment as LedgerPayment, Session } from '../../../gateway/src/domain/session/session.ts';
import type { QuoteItem } from '../../../gateway/src/domain/tariff/tariff.schema.ts';
import type {
  DifficultyLevel,
  DisplayPayload,
  OccupancyPayload,
  OccupancyStatus,
} from '../../../gateway/src/protocol/payloads.ts';

export type { DifficultyLevel, ExceptionKind, OccupancyPayload, OccupancyStatus, ReasonCode };

export type Role = 'admin' | 'staff' | 'bureau';

export type User = { username: string; role: Role; sites: string[]; displayName?: string };
export type LoginReply = { token: string; expiresAt: number; user: User };

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
  at?: number;
  seconds?: number;
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

export type Vehicle = {
  plate: string;
  kind: string;
  household?: string | null;
  owner?: string | null;
  phone?: string | null;
  space?: string | null;
  vehicleClass?: string | null;
  validFrom?: number | string | null;
  validTo?: number | string | null;
};
export type ImportReply = { imported: number; updated: number; rejected: { line: number; reason: string }[] };

export type Visitor = {
  id: string;
  plate: string;
  name?: string | null;
  host?: string | null;
  household?: string | null;
  from: number;
  to: number;
};
export type BlacklistEntry = { plate: string; reason?: string | null; at?: number; addedAt?: number };

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

export type Reason = string | { zh?: string; en?: string; textZh?: string; textEn?: string; text?: string };
export type TrendPoint = { start?: number; at?: number; period?: string; index: number };
export type EvaluationSite = {
  site: string;
  name: string;
  index: number | null;
  level: DifficultyLevel | string | null;
  reasons: Reason[] | { zh?: Reason[]; en?: Reason[] } | null;
  indicators: Record<string, unknown> | null;
  trend: TrendPoint[] | { delta?: number; points?: TrendPoint[] } | null;
};
export type Evaluation = { period: string; sites: EvaluationSite[]; worst?: unknown; improved?: unknown };

export type LiveEventKind = 'decision' | 'display' | 'occupancy' | 'session' | 'exception' | 'barrier' | 'audit';
export type LiveEvent = { kind: LiveEventKind; site: string; data: Record<string, unknown> };
