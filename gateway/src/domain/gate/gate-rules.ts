import { matchPlate, type PlateMatch } from '../plate/plate-match.ts';
import { normalizePlate } from '../plate/plate-normalize.ts';
import type { Credential, UserClass } from '../registry/credential-resolver.ts';
import type { Energy, VehicleClass } from '../registry/registry.schema.ts';
import type { CredentialKind } from '../site.ts';
import type { PlateRead } from './gate-decision.schema.ts';

/** Device timestamps further than this from the gateway clock are not trusted (documented rule, README). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** A plate read older than this on arrival is recorded but no longer opens a barrier: the car has gone. */
export const STALE_READ_MS = 2 * 60_000;

/** The instant an event happened: the device's time when its clock is sane, else the time it was received. */
export function eventTime(deviceTs: number, receivedAt: number): { at: number; skewed: boolean } {
  if (Math.abs(deviceTs - receivedAt) <= MAX_CLOCK_SKEW_MS) return { at: deviceTs, skewed: false };
  return { at: receivedAt, skewed: true };
}

/**
 * How a camera read is taken (DESIGN §4 "Gate decisions"): normalised; at an entry, a read below the site's confidence
 * threshold is matched fuzzily against the registry; at an exit, the open sessions are matched fuzzily whatever the
 * confidence, but a confident read only through an OCR confusion. A read that matches nothing is still the best plate
 * there is.
 */
export function interpretRead(input: {
  plate: string;
  confidence: number;
  /** `policies.fuzzyBelowConfidence` of the site. */
  fuzzyBelow: number;
  /** Exit lanes: always look for the closest open session. */
  alwaysFuzzy: boolean;
  /** The plates to match against, asked for only when a fuzzy match is needed. */
  candidates: () => Iterable<string>;
}): PlateRead {
  const n = normalizePlate(input.plate);
  const confident = input.confidence >= input.fuzzyBelow;
  let match: PlateMatch;
  if (n.format === 'none') match = { kind: 'none' };
  else if (!input.alwaysFuzzy && confident) match = { kind: 'exact', plate: n.plate };
  else match = matchPlate(n.plate, input.candidates());
  // A confident read is taken as another plate only for a character cameras mix up (2/Z, 0/D, 8/B, …): matching
  // 苏E20013 to 苏E20012 would charge, hold or let out another car (one whose own read is still on its way).
  if (confident && match.kind === 'fuzzy' && match.via.edit !== 'ocr') match = { kind: 'exact', plate: n.plate };
  if (match.kind === 'none' && n.format !== 'none') match = { kind: 'exact', plate: n.plate };
  return { plate: n.plate, format: n.format, confidence: input.confidence, match };
}

/**
 * A vehicle's class and energy: the registry's when it knows the vehicle, else a small car; electric when the camera
 * read a green (new-energy) plate, or when the registry does not say and the plate has 8 characters (新能源号牌).
 */
export function vehicleFromPlate(
  plate: string,
  registered: { vehicleClass: VehicleClass; energy: Energy } | null,
  plateColour?: string,
): { vehicleClass: VehicleClass; energy: Energy } {
  const byPlate: Energy = [...plate].length === 8 ? 'electric' : 'fuel';
  return {
    vehicleClass: registered?.vehicleClass ?? 'small',
    energy: plateColour === 'green' ? 'electric' : (registered?.energy ?? byPlate),
  };
}

/**
 * The class a session is charged as, from the credential resolved at entry: a car with no credential, or a
 * blacklisted one let in by policy, is a temporary visitor.
 */
export function sessionClass(credential: Credential | null): { credentialKind: CredentialKind; userClass: UserClass } {
  if (!credential || credential.kind === 'blacklisted') {
    return { credentialKind: 'temporary', userClass: credential?.userClass ?? 'visitor' };
  }
  return { credentialKind: credential.kind, userClass: credential.userClass };
}

/**
 * When the class a session is charged as runs out (#26.3): the end of the pass (or staff registration) that gives it;
 * null for a class that does not end (a resident's own, a visitor's: a visit window is overstay, not a class).
 */
export function classUntil(credential: Credential | null): number | null {
  if (!credential || credential.kind === 'visitor' || credential.kind === 'temporary') return null;
  return credential.userClass === 'visitor' ? null : credential.validUntil;
}

/**
 * The class changes of a stay whose credential ended before `exitAt` (#26.3): at each end, the class is what the
 * registry gives at that instant (a renewal continuing the pass is no change; a resident falls back to owner, anyone
 * else to visitor), followed through at most `limit` ends.
 */
export function classChangesOf(
  start: { userClass: string; until: number | null },
  exitAt: number,
  resolveAt: (at: number) => Credential,
  limit = 12,
): { at: number; userClass: string }[] {
  const out: { at: number; userClass: string }[] = [];
  let current = start.userClass;
  let until = start.until;
  for (let i = 0; i < limit && until !== null && until < exitAt; i++) {
    const credential = resolveAt(until);
    const { userClass } = sessionClass(credential);
    if (userClass !== current) out.push({ at: until, userClass });
    current = userClass;
    const next = classUntil(credential);
    until = next !== null && next > until ? next : null;
  }
  return out;
}

/**
 * When a stay ends that was settled by money arriving out of order: a payment delivered after the held read it
 * followed ends the stay at the later of the payment and the read; a read that finds payments made after it (they
 * arrived first) ends the stay at the last of them.
 */
export function settleTime(input: { paymentAt: number; heldSince: number | null }): number {
  return input.heldSince === null ? input.paymentAt : Math.max(input.paymentAt, input.heldSince);
}

/**
 * Is a read the same passage seen again? The car was admitted (or let out) at this very gate and lane `passedAt`, and
 * is read again within the window (device times; a read from before the passage is no repeat).
 */
export function isRepeatRead(input: { at: number; passedAt: number; windowMs: number; sameLane: boolean }): boolean {
  return input.sameLane && input.at >= input.passedAt && input.at - input.passedAt <= input.windowMs;
}

export function leftAt(readAt: number, paymentTimes: readonly number[]): number {
  return Math.max(readAt, ...paymentTimes);
}
