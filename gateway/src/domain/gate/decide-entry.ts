import type { Credential } from '../registry/credential-resolver.ts';
import { inDailyWindow } from '../registry/credential-resolver.ts';
import type { CredentialKind, Policies } from '../site.ts';
import type { DecisionFlag, EntryInput, GateDecision, PlateRead } from './gate-decision.schema.ts';
import { type ReasonCode, type ReasonContext, reasonDisplay, reasonText } from './reason-catalogue.ts';

type Action = GateDecision['action'];

/** The plate the decision is about: the matched one after an exact or fuzzy match, else what was read. */
export function decidedPlate(read: PlateRead): string {
  return read.match.kind === 'exact' || read.match.kind === 'fuzzy' ? read.match.plate : read.plate;
}

/** Flags every decision derives from the read and the credential. */
export function readFlags(read: PlateRead, policies: Policies, credential: Credential | null): DecisionFlag[] {
  const flags: DecisionFlag[] = [];
  if (read.match.kind === 'fuzzy') flags.push('fuzzyMatch');
  if (read.format === 'unknown') flags.push('unknownFormat');
  if (read.format !== 'none' && read.confidence < policies.fuzzyBelowConfidence) flags.push('lowConfidence');
  if (credential && credential.notes.length > 0) flags.push('credentialNote');
  return flags;
}

export function buildDecision(
  action: Action,
  reason: ReasonCode,
  read: PlateRead,
  context: ReasonContext,
  extra: Pick<GateDecision, 'credentialKind' | 'userClass' | 'flags'> & { dueFen?: number | null },
): GateDecision {
  const plate = decidedPlate(read);
  const fuzzy =
    read.match.kind === 'fuzzy' ? { read: read.plate, matched: read.match.plate, distance: read.match.distance } : null;
  const full = { ...context, plate };
  return {
    action,
    reason,
    plate,
    display: reasonDisplay(reason, full),
    message: reasonText(reason, full),
    credentialKind: extra.credentialKind,
    userClass: extra.userClass,
    fuzzy,
    dueFen: extra.dueFen ?? null,
    flags: extra.flags,
  };
}

/** Zones the credential may use: the policy for its kind, narrowed by the pass's own zones; null = all. */
function allowedZones(credential: Credential, policies: Policies): string[] | null {
  const kind = credential.kind === 'blacklisted' ? null : (credential.kind as CredentialKind);
  const byPolicy = kind ? (policies.zonesByCredential[kind] ?? null) : null;
  const byPass = credential.zones;
  if (byPolicy && byPass) {
    return byPolicy.filter(function inPass(zone) {
      return byPass.includes(zone);
    });
  }
  return byPolicy ?? byPass;
}

const ENTRY_REASON: Partial<Record<Credential['kind'], ReasonCode>> = {
  resident: 'ENTRY_RESIDENT',
  monthly: 'ENTRY_PASS',
  annual: 'ENTRY_PASS',
  staff: 'ENTRY_STAFF',
  visitor: 'ENTRY_VISITOR',
  temporary: 'ENTRY_TEMPORARY',
};

/**
 * Entry rules (DESIGN §4): no plate → refer; ambiguous match → refer; blacklist deny; emergency open;
 * anti-passback per policy; zone rule; staff, residents and pass holders open (also when full if
 * `residentsReserved`); visitors in their window and temporary vehicles only while free spaces exceed the
 * reserve (visitors may bypass it by policy); temporary vehicles also subject to admission and the overnight rule.
 */
export function decideEntry(input: EntryInput): GateDecision {
  const { read, policies } = input;
  const credential: Credential | null =
    input.credential ?? (read.format === 'none' || read.match.kind === 'ambiguous' ? null : temporaryFor(read));
  const flags = readFlags(read, policies, credential);
  const who = { credentialKind: credential?.kind ?? null, userClass: credential?.userClass ?? null, flags };
  const context: ReasonContext = {
    free: input.freeSpaces,
    passKind: credential?.kind === 'annual' ? 'annual' : 'monthly',
  };
  const decide = function decide(action: Action, reason: ReasonCode, more: ReasonContext = {}): GateDecision {
    return buildDecision(action, reason, read, { ...context, ...more }, who);
  };

  if (read.format === 'none' || decidedPlate(read) === '') return decide('refer', 'DENY_NO_PLATE_REFER');
  if (read.match.kind === 'ambiguous' || !credential) return decide('refer', 'REFER_AMBIGUOUS');
  if (credential.kind === 'blacklisted') return decide('deny', 'DENY_BLACKLIST');
  if (credential.kind === 'emergency') return decide('open', 'ENTRY_EMERGENCY');

  if (input.insideAlready) {
    if (policies.antiPassback === 'deny') return decide('deny', 'DENY_PASSBACK');
    if (policies.antiPassback === 'refer') return decide('refer', 'DENY_PASSBACK');
    flags.push('staleSessionClosed');
  }

  const zones = allowedZones(credential, policies);
  if (input.zones.length > 0 && zones !== null) {
    const reachable = input.zones.some(function allowed(zone) {
      return zones.includes(zone);
    });
    if (!reachable) return decide('deny', 'DENY_ZONE');
  }

  const reason = ENTRY_REASON[credential.kind] ?? 'ENTRY_TEMPORARY';
  const free = input.freeSpaces;
  if (credential.kind === 'staff' || credential.kind === 'resident' || reason === 'ENTRY_PASS') {
    if (free > 0) return decide('open', reason);
    if (!policies.residentsReserved) return decide('deny', 'DENY_FULL');
    flags.push('enteredWhenFull');
    return decide('open', reason);
  }

  if (credential.kind === 'visitor') {
    if (free > policies.visitorReserve) return decide('open', reason);
    if (!policies.visitorsBypassReserve) return decide('deny', 'DENY_FULL');
    if (free <= 0) flags.push('enteredWhenFull');
    return decide('open', reason);
  }

  if (!policies.admitTemporary) return decide('deny', 'DENY_TEMPORARY_NOT_ADMITTED');
  const night = policies.overnight;
  if (night.denyTemporary && inDailyWindow(input.localTime, night)) {
    return decide('deny', 'DENY_OVERNIGHT', { from: night.from, to: night.to });
  }
  if (free > policies.visitorReserve) return decide('open', 'ENTRY_TEMPORARY');
  return decide('deny', 'DENY_FULL');
}

function temporaryFor(read: PlateRead): Credential {
  return {
    plate: decidedPlate(read),
    kind: 'temporary',
    userClass: 'visitor',
    household: null,
    passId: null,
    visitorId: null,
    validUntil: null,
    window: null,
    zones: null,
    vehicleClass: null,
    energy: null,
    blacklist: null,
    notes: [],
  };
}
