import { z } from 'zod';
import { ResolvedKind, UserClass } from '../registry/credential-resolver.ts';
import { EpochMs } from '../registry/registry.schema.ts';
import type { Policies } from '../site.ts';
import { buildDecision, readFlags } from './decide-entry.ts';
import type { ExitInput, GateDecision, PlateRead } from './gate-decision.schema.ts';

/**
 * Exit rules (DESIGN §4): no plate or ambiguous match → refer; no entry record → `policies.noEntryRecord`
 * (fixed fee due, or refer), flagged as an exception; otherwise open inside the paid-exit window (its end
 * inclusive) or when nothing is due, else hold and show the fee until a payment arrives.
 */
export function decideExit(input: ExitInput): GateDecision {
  const { read, policies, session } = input;
  const flags = readFlags(read, policies, null);
  const who = { credentialKind: session?.credentialKind ?? null, userClass: session?.userClass ?? null, flags };

  if (read.format === 'none' || read.plate === '') {
    return buildDecision('refer', 'DENY_NO_PLATE_REFER', read, {}, who);
  }
  if (read.match.kind === 'ambiguous') return buildDecision('refer', 'REFER_AMBIGUOUS', read, {}, who);

  if (!session) {
    flags.push('noEntryRecord');
    // Referred by policy, or because the tariff cannot say what this car pays (never let out free for want of it).
    if (policies.noEntryRecord === 'refer' || input.noEntryFeeFen === null) {
      return buildDecision('refer', 'EXIT_NO_ENTRY_REFER', read, {}, who);
    }
    const dueFen = Math.max(0, input.noEntryFeeFen - input.noEntryPaidFen);
    if (dueFen > 0) return buildDecision('hold', 'EXIT_NO_ENTRY_FEE', read, { dueFen }, { ...who, dueFen });
    const reason = input.noEntryPaidFen > 0 ? 'EXIT_PAID' : 'EXIT_FREE';
    return buildDecision('open', reason, read, {}, { ...who, dueFen: 0 });
  }

  const fee = input.fee ?? { totalFen: 0, paidFen: 0, dueFen: 0, paidExitUntil: null };
  const dueFen = Math.max(0, fee.dueFen);
  const inWindow = fee.paidExitUntil !== null && input.at <= fee.paidExitUntil;
  if (inWindow) return buildDecision('open', 'EXIT_PAID_WINDOW', read, {}, { ...who, dueFen });
  if (dueFen > 0) return buildDecision('hold', 'EXIT_FEE_DUE', read, { dueFen }, { ...who, dueFen });
  return buildDecision('open', fee.paidFen > 0 ? 'EXIT_PAID' : 'EXIT_FREE', read, {}, { ...who, dueFen: 0 });
}

export const PaidExitInput = z.object({
  plate: z.string(),
  /** `EXIT_PAID`: paid while held at the barrier; `EXIT_PAID_WINDOW`: paid before the read that was held. */
  reason: z.enum(['EXIT_PAID', 'EXIT_PAID_WINDOW']),
  credentialKind: ResolvedKind.nullable(),
  userClass: UserClass.nullable(),
});
export type PaidExitInput = z.infer<typeof PaidExitInput>;

/** A car held at the exit, let out by its payment: the panel says what the reason catalogue says for the reason. */
export function paidExit(input: PaidExitInput): GateDecision {
  const read: PlateRead = {
    plate: input.plate,
    format: 'unknown',
    confidence: 1,
    match: { kind: 'exact', plate: input.plate },
  };
  return buildDecision(
    'open',
    input.reason,
    read,
    {},
    {
      credentialKind: input.credentialKind,
      userClass: input.userClass,
      flags: [],
      dueFen: 0,
    },
  );
}

export const ManualOpenInput = z.object({
  plate: z.string().default(''),
  /** Staff identity, required (DESIGN §4: manual opens are audited). */
  staff: z.string().trim().min(1, 'staff identity is required').max(64),
  reason: z.string().trim().min(1, 'a reason is required').max(200),
});
export type ManualOpenInput = z.input<typeof ManualOpenInput>;

export type ManualOpenResult = { ok: true; decision: GateDecision } | { ok: false; reason: string };

/** A staff-initiated open; refused without a staff identity and a reason. */
export function manualOpen(input: ManualOpenInput): ManualOpenResult {
  const parsed = ManualOpenInput.safeParse(input);
  if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error) };
  const { plate } = parsed.data;
  const read: PlateRead = {
    plate,
    format: plate ? 'unknown' : 'none',
    confidence: 1,
    match: plate ? { kind: 'exact', plate } : { kind: 'none' },
  };
  const who = { credentialKind: null, userClass: null, flags: ['manual' as const] };
  return { ok: true, decision: buildDecision('open', 'MANUAL_OPEN', read, {}, who) };
}

export const InsideSession = z.object({
  id: z.string(),
  plate: z.string(),
  credentialKind: ResolvedKind,
  entryAt: EpochMs,
  /** End of the visitor's registered window, if it had one. */
  visitorUntil: EpochMs.nullable().default(null),
});
export type InsideSession = z.infer<typeof InsideSession>;

export const Overstay = z.object({
  sessionId: z.string(),
  plate: z.string(),
  /** The earlier of the registered window end and entry + `visitorMaxStayMinutes`. */
  deadline: EpochMs,
  overMs: z.number().int().positive(),
});
export type Overstay = z.infer<typeof Overstay>;

/** Visitors still inside past their deadline, longest overstay first. */
export function overstays(sessions: readonly InsideSession[], at: number, policies: Policies): Overstay[] {
  const out: Overstay[] = [];
  const maxStayMs = policies.visitorMaxStayMinutes * 60_000;
  for (const session of sessions) {
    if (session.credentialKind !== 'visitor') continue;
    const deadline = Math.min(session.visitorUntil ?? Number.POSITIVE_INFINITY, session.entryAt + maxStayMs);
    if (at > deadline) out.push({ sessionId: session.id, plate: session.plate, deadline, overMs: at - deadline });
  }
  return out.sort(function longestFirst(a, b) {
    return b.overMs - a.overMs;
  });
}
