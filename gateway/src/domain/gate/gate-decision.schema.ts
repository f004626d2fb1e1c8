import { z } from 'zod';
import { PlateMatch } from '../plate/plate-match.ts';
import { PlateFormat } from '../plate/plate-normalize.ts';
import { Credential, ResolvedKind, UserClass } from '../registry/credential-resolver.ts';
import { EpochMs, LocalTime } from '../registry/registry.schema.ts';
import { Id, Policies } from '../site.ts';
import { Display, ReasonCode } from './reason-catalogue.ts';

/** One camera read after normalisation and matching. */
export const PlateRead = z.object({
  plate: z.string(),
  format: PlateFormat,
  confidence: z.number().min(0).max(1),
  match: PlateMatch,
});
export type PlateRead = z.infer<typeof PlateRead>;

export const DecisionFlag = z.enum([
  /** The plate was matched fuzzily: staff should confirm. */
  'fuzzyMatch',
  'unknownFormat',
  /** Read confidence below `policies.fuzzyBelowConfidence`. */
  'lowConfidence',
  /** Anti-passback `allow`: the plate's open session is stale and must be closed as an exception. */
  'staleSessionClosed',
  /** A resident or pass holder entered while no space was free (`residentsReserved`). */
  'enteredWhenFull',
  /** Exit with no entry record: an exception for staff. */
  'noEntryRecord',
  /** The credential resolver left notes (expired pass, visitor outside window…). */
  'credentialNote',
  'manual',
]);
export type DecisionFlag = z.infer<typeof DecisionFlag>;

export const GateDecision = z.object({
  action: z.enum(['open', 'deny', 'refer', 'hold']),
  reason: ReasonCode,
  /** The plate the decision is about (the matched plate after a fuzzy match); '' for none. */
  plate: z.string(),
  display: Display,
  message: z.object({ zh: z.string(), en: z.string() }),
  credentialKind: ResolvedKind.nullable(),
  userClass: UserClass.nullable(),
  fuzzy: z.object({ read: z.string(), matched: z.string(), distance: z.number() }).nullable(),
  /** Exit only: fen still due when the decision was taken. */
  dueFen: z.number().int().nullable(),
  flags: z.array(DecisionFlag),
});
export type GateDecision = z.infer<typeof GateDecision>;

export const EntryInput = z.object({
  at: EpochMs,
  /** Site-local wall time at `at`, for the overnight rule. */
  localTime: LocalTime,
  gate: Id,
  /** Zones behind this entry lane (the site model does not link gates to zones yet); empty = not checked. */
  zones: z.array(Id).default([]),
  read: PlateRead,
  /** Resolved for the matched plate; null when there is no usable plate (none or ambiguous). */
  credential: Credential.nullable(),
  /** The plate already has an open session (anti-passback). */
  insideAlready: z.boolean(),
  /** Free spaces now for this entrance (site or the zone behind it). */
  freeSpaces: z.number().int(),
  policies: Policies,
});
export type EntryInput = z.infer<typeof EntryInput>;

export const OpenSession = z.object({
  id: z.string(),
  plate: z.string(),
  entryAt: EpochMs,
  credentialKind: ResolvedKind,
  userClass: UserClass,
});
export type OpenSession = z.infer<typeof OpenSession>;

export const ExitFee = z.object({
  totalFen: z.number().int().nonnegative(),
  paidFen: z.number().int().nonnegative(),
  dueFen: z.number().int(),
  /** Paid-exit window end (inclusive), epoch ms; null when nothing was paid. */
  paidExitUntil: EpochMs.nullable(),
});
export type ExitFee = z.infer<typeof ExitFee>;

export const ExitInput = z.object({
  at: EpochMs,
  gate: Id,
  read: PlateRead,
  /** The open session found for the read (exact, then fuzzy), or null. */
  session: OpenSession.nullable(),
  /** The tariff engine's quote for the session; null = nothing to charge. */
  fee: ExitFee.nullable(),
  /** The tariff's no-entry-record fee (null: the tariff cannot say, refer), and what was paid towards it here. */
  noEntryFeeFen: z.number().int().nonnegative().nullable(),
  noEntryPaidFen: z.number().int().nonnegative().default(0),
  policies: Policies,
});
export type ExitInput = z.infer<typeof ExitInput>;
