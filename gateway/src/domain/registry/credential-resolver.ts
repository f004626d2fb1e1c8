import { z } from 'zod';
import { CredentialKind, Id } from '../site.ts';
import {
  DailyWindow,
  Energy,
  EpochMs,
  HouseholdId,
  type LocalTime,
  type Pass,
  type PlateEntries,
  VehicleClass,
  type Visitor,
} from './registry.schema.ts';

/** The class the tariff charges (DESIGN §4 tariff item 11). */
export const UserClass = z.enum(['owner', 'monthly', 'staff', 'free', 'visitor']);
export type UserClass = z.infer<typeof UserClass>;

export const ResolvedKind = z.enum(['blacklisted', ...CredentialKind.options]);
export type ResolvedKind = z.infer<typeof ResolvedKind>;

export const CredentialNote = z.object({
  code: z.enum([
    'PASS_EXPIRED',
    'PASS_NOT_YET_VALID',
    'PASS_OUTSIDE_WINDOW',
    'VISITOR_EARLY',
    'VISITOR_EXPIRED',
    'STAFF_EXPIRED',
    'BLACKLIST_EXPIRED',
  ]),
  /** Chinese, for staff. */
  text: z.string(),
  /** Pass or visitor id, when the note is about one. */
  ref: z.string().optional(),
  /** The instant the note is about (expiry, start of window), epoch ms. */
  at: EpochMs.optional(),
});
export type CredentialNote = z.infer<typeof CredentialNote>;

export const Credential = z.object({
  plate: z.string(),
  kind: ResolvedKind,
  userClass: UserClass,
  household: HouseholdId.nullable(),
  passId: Id.nullable(),
  visitorId: Id.nullable(),
  /** When the credential in force stops (pass or visitor window end), epoch ms. */
  validUntil: EpochMs.nullable(),
  /** Daily window of a time-of-day pass in force. */
  window: DailyWindow.nullable(),
  /** Zones the pass in force covers; null = not restricted by the credential itself. */
  zones: z.array(Id).nullable(),
  vehicleClass: VehicleClass.nullable(),
  energy: Energy.nullable(),
  blacklist: z.object({ reason: z.string(), until: EpochMs.nullable() }).nullable(),
  notes: z.array(CredentialNote),
});
export type Credential = z.infer<typeof Credential>;

export function minuteOfDay(time: LocalTime): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** `to` is exclusive; a window with `from` after `to` runs across midnight. */
export function inDailyWindow(time: LocalTime, window: { from: LocalTime; to: LocalTime }): boolean {
  const m = minuteOfDay(time);
  const from = minuteOfDay(window.from);
  const to = minuteOfDay(window.to);
  return from < to ? m >= from && m < to : m >= from || m < to;
}

function byLatestEnd<T extends { validTo: number }>(a: T, b: T): number {
  return b.validTo - a.validTo;
}

function passNote(pass: Pass, at: number, time: LocalTime): CredentialNote | null {
  const name = pass.kind === 'annual' ? '年卡' : '月卡';
  if (at >= pass.validTo) return { code: 'PASS_EXPIRED', text: `${name}已过期`, ref: pass.id, at: pass.validTo };
  if (at < pass.validFrom)
    return { code: 'PASS_NOT_YET_VALID', text: `${name}未生效`, ref: pass.id, at: pass.validFrom };
  if (pass.window && !inDailyWindow(time, pass.window)) {
    const text = `${name}限 ${pass.window.from}–${pass.window.to} 使用`;
    return { code: 'PASS_OUTSIDE_WINDOW', text, ref: pass.id };
  }
  return null;
}

function visitorNote(visitor: Visitor, at: number): CredentialNote | null {
  if (at < visitor.validFrom) {
    return { code: 'VISITOR_EARLY', text: '访客预约时段未到', ref: visitor.id, at: visitor.validFrom };
  }
  if (at >= visitor.validTo) {
    return { code: 'VISITOR_EXPIRED', text: '访客预约已过期', ref: visitor.id, at: visitor.validTo };
  }
  return null;
}

/**
 * The credential in force for `plate` at `at` (local wall time `localTime`), by priority:
 * blacklist > emergency > staff > resident > pass valid now > visitor within window > temporary.
 * A resident vehicle that also holds a pass valid now is charged as `monthly`.
 */
export function resolveCredential(plate: string, at: number, localTime: LocalTime, entries: PlateEntries): Credential {
  const notes: CredentialNote[] = [];
  const validPasses: Pass[] = [];
  for (const pass of [...entries.passes].sort(byLatestEnd)) {
    const note = passNote(pass, at, localTime);
    if (note) notes.push(note);
    else validPasses.push(pass);
  }
  const visitors: Visitor[] = [];
  for (const visitor of [...entries.visitors].sort(byLatestEnd)) {
    const note = visitorNote(visitor, at);
    if (note) notes.push(note);
    else visitors.push(visitor);
  }
  const pass = validPasses[0] ?? null;
  const visitor = visitors[0] ?? null;
  const { vehicle, staff, emergency, blacklist } = entries;
  const base: Credential = {
    plate,
    kind: 'temporary',
    userClass: 'visitor',
    household: vehicle?.household ?? null,
    passId: null,
    visitorId: null,
    validUntil: null,
    window: null,
    zones: null,
    vehicleClass: vehicle?.vehicleClass ?? null,
    energy: vehicle?.energy ?? null,
    blacklist: null,
    notes,
  };
  const withPass = pass
    ? { passId: pass.id, validUntil: pass.validTo, window: pass.window ?? null, zones: pass.zones ?? null }
    : {};

  let credential: Credential;
  const staffValid = staff !== null && (staff.validTo === undefined || at < staff.validTo);
  if (staff && !staffValid) notes.push({ code: 'STAFF_EXPIRED', text: '员工车辆登记已过期', at: staff.validTo });
  if (emergency) credential = { ...base, kind: 'emergency', userClass: 'free' };
  else if (staffValid) credential = { ...base, kind: 'staff', userClass: 'staff', validUntil: staff?.validTo ?? null };
  else if (vehicle) credential = { ...base, kind: 'resident', userClass: pass ? 'monthly' : 'owner', ...withPass };
  else if (pass) credential = { ...base, kind: pass.kind, userClass: 'monthly', ...withPass };
  else if (visitor) {
    credential = {
      ...base,
      kind: 'visitor',
      household: visitor.host,
      visitorId: visitor.id,
      validUntil: visitor.validTo,
    };
  } else credential = base;

  if (blacklist) {
    if (blacklist.until === undefined || at < blacklist.until) {
      return {
        ...credential,
        kind: 'blacklisted',
        blacklist: { reason: blacklist.reason, until: blacklist.until ?? null },
      };
    }
    notes.push({ code: 'BLACKLIST_EXPIRED', text: '黑名单已到期', at: blacklist.until });
  }
  return credential;
}
