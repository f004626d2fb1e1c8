import type { ClassChange, Coupon, QuoteResult, Stay, VehicleClass } from './tariff.schema.ts';
import type { CompiledTariff } from './tariff-compile.ts';
import { chargeVersion, Item, type Sink } from './tariff-engine.ts';
import { span, spanEn, VEHICLE_NAMES, yuan, yuanEn } from './tariff-words.ts';
import { MINUTE } from './time-zone.ts';

interface Ctx {
  readonly list: readonly CompiledTariff[];
  readonly first: number;
  readonly userClass: string;
  readonly vehicle: VehicleClass;
  readonly electric: boolean;
  readonly entry: number;
  readonly coupons: readonly Coupon[];
  /** Class changes after `entry`, in time order, each to another class than the one before (#26.3). */
  readonly changes: readonly ClassChange[];
}

function isList(t: CompiledTariff | readonly CompiledTariff[]): t is readonly CompiledTariff[] {
  return Array.isArray(t);
}

/** Index of the version in force at t: the latest effectiveFrom ≤ t; -1 if none. */
export function versionAt(list: readonly CompiledTariff[], t: number): number {
  for (let i = list.length - 1; i >= 0; i--) if ((list[i] as CompiledTariff).effectiveFrom <= t) return i;
  return -1;
}

function sinkOf(ct: CompiledTariff, items: Item[] | null): Sink | null {
  return items === null ? null : { items, format: ct.format, tariff: ct.key };
}

/** Fee of [entry, t) across versions: each part pays what its version adds over that part. */
function versionsFee(ctx: Ctx, t: number, extraMs: number, items: Item[] | null): number {
  const { list, first, userClass, vehicle, electric, entry } = ctx;
  const last = versionAt(list, t);
  const v0 = list[first] as CompiledTariff;
  if (last === first) return chargeVersion(v0, userClass, vehicle, electric, entry, t, extraMs, sinkOf(v0, items));
  const next = list[first + 1] as CompiledTariff;
  let total = chargeVersion(v0, userClass, vehicle, electric, entry, next.effectiveFrom, extraMs, sinkOf(v0, items));
  for (let i = first + 1; i <= last; i++) {
    const v = list[i] as CompiledTariff;
    const prev = list[i - 1] as CompiledTariff;
    const end = i === last ? t : (list[i + 1] as CompiledTariff).effectiveFrom;
    const sink = sinkOf(v, items);
    const upToEnd = chargeVersion(v, userClass, vehicle, electric, entry, end, extraMs, sink);
    const before = chargeVersion(v, userClass, vehicle, electric, entry, v.effectiveFrom, extraMs, null);
    if (sink) {
      const at = v.zone.format(v.effectiveFrom);
      sink.items.push(
        new Item(
          sink.format,
          'version-split',
          'effectiveFrom',
          `第${v.doc.version}版自${at}起执行：扣除按第${v.doc.version}版计至${at}的${yuan(before)}（该段已按第${prev.doc.version}版计费）`,
          `version ${v.doc.version} in force from ${at}: less ${yuanEn(before)} that it charges up to then (that part is charged by version ${prev.doc.version})`,
          v.key,
          entry,
          v.effectiveFrom,
          1,
          -before,
          -before,
        ),
      );
    }
    total += upToEnd - before;
  }
  return total;
}

/**
 * Fee of [entry, t) with the class changes before t (#26.3): each part is charged under its class as a stay of its
 * own, the part after a change as if the car had entered at the change. Extra free time (a time coupon) goes to the
 * last part.
 */
function stayFee(ctx: Ctx, t: number, extraMs: number, items: Item[] | null): number {
  let part = ctx;
  let total = 0;
  for (const change of ctx.changes) {
    if (change.at >= t) break;
    total += versionsFee(part, change.at, 0, items);
    if (items) items.push(classChangeItem(ctx.list, change, part.userClass));
    part = { ...part, userClass: change.userClass, entry: change.at, first: versionAt(ctx.list, change.at) };
  }
  return total + versionsFee(part, t, extraMs, items);
}

function ruleLabels(ct: CompiledTariff, userClass: string): [string, string] {
  const rule = ct.doc.rules[userClass];
  return rule ? [rule.label, rule.labelEn ?? rule.label] : [userClass, userClass];
}

/** The breakdown line where a pass ends: the class before, the class after, and from when. */
function classChangeItem(list: readonly CompiledTariff[], change: ClassChange, before: string): Item {
  const ct = list[Math.max(0, versionAt(list, change.at))] as CompiledTariff;
  const [was, wasEn] = ruleLabels(ct, before);
  const [now, nowEn] = ruleLabels(ct, change.userClass);
  const when = ct.zone.format(change.at);
  return new Item(
    ct.format,
    'class-change',
    `rules.${change.userClass}`,
    `${was}凭证于${when}到期：自到期时起按${now}计费，视同该时入场`,
    `${wasEn}: credential ended at ${when}; charged as ${nowEn} from then, as if entered then`,
    ct.key,
    change.at,
    change.at,
    1,
    0,
    0,
  );
}

const KIND_ORDER = { time: 0, percent: 1, amount: 2 } as const;

function byKind(a: Coupon, b: Coupon): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
}

function couponText(c: Coupon): [string, string] {
  if (c.kind === 'amount')
    return [`优惠券${c.id}：减免${yuan(c.amountFen)}`, `coupon ${c.id}: ${yuanEn(c.amountFen)} off`];
  if (c.kind === 'percent') return [`优惠券${c.id}：减收${c.percentOff}%`, `coupon ${c.id}: ${c.percentOff}% off`];
  return [`优惠券${c.id}：减免${span(c.minutes)}停车时间`, `coupon ${c.id}: ${spanEn(c.minutes)} free parking`];
}

/** Fee with coupons applied under the stacking rule of the version in force at t. */
function feeAt(ctx: Ctx, t: number, items: Item[] | null): number {
  const base = stayFee(ctx, t, 0, items);
  if (ctx.coupons.length === 0 || base === 0) return base;
  const ct = ctx.list[versionAt(ctx.list, t)] as CompiledTariff;
  const discountOf = (c: Coupon, current: number, extraMs: number): number => {
    if (c.kind === 'amount') return Math.min(current, c.amountFen);
    if (c.kind === 'percent') return Math.floor((current * c.percentOff + 50) / 100);
    return current - stayFee(ctx, t, extraMs + c.minutes * MINUTE, null);
  };
  let chosen: Coupon[];
  if (ct.couponStacking === 'best') {
    let best: Coupon | undefined;
    let bestOff = -1;
    for (const c of ctx.coupons) {
      const off = discountOf(c, base, 0);
      if (off > bestOff) {
        best = c;
        bestOff = off;
      }
    }
    chosen = best ? [best] : [];
  } else {
    chosen = [...ctx.coupons].sort(byKind).slice(0, ct.couponMax);
  }
  let total = base;
  let extraMs = 0;
  for (const c of chosen) {
    const off = Math.min(total, discountOf(c, total, extraMs));
    if (c.kind === 'time') extraMs += c.minutes * MINUTE;
    total -= off;
    if (items) {
      const [zh, en] = couponText(c);
      items.push(new Item(ct.format, 'coupon', 'coupons', zh, en, ct.key, ctx.entry, t, 1, -off, -off));
    }
  }
  return total;
}

function fail(reason: Extract<QuoteResult, { ok: false }>['reason'], message: string): QuoteResult {
  return { ok: false, reason, message };
}

function lastPayment(stay: Stay): { at: number; paid: number } {
  let at = Number.NEGATIVE_INFINITY;
  let paid = 0;
  for (const p of stay.payments) {
    paid += p.amountFen;
    if (p.at <= stay.exitAt && p.at > at) at = p.at;
  }
  return { at, paid };
}

function paidExitItem(ct: CompiledTariff, at: number, exit: number): Item {
  const mins = ct.doc.paidExitMinutes;
  const when = ct.zone.format(at);
  return new Item(
    ct.format,
    'paid-exit',
    'paidExitMinutes',
    `已于${when}缴清，${span(mins)}内离场不另收费`,
    `paid in full at ${when}; leaving within ${spanEn(mins)} costs nothing more`,
    ct.key,
    at,
    exit,
    1,
    0,
    0,
  );
}

/** A time as the tariff's own clock shows it: `2025-03-03 10:00:00 Asia/Shanghai`. */
function localOf(list: readonly CompiledTariff[], ms: number): string {
  const zone = list[list.length - 1]?.zone;
  return zone ? `${zone.format(ms)} ${zone.id}` : new Date(ms).toISOString();
}

function noEntryQuote(stay: Stay, list: readonly CompiledTariff[]): QuoteResult {
  const x = stay.exitAt;
  // The class at the exit: a pass that ended before it no longer counts (#26.3).
  const plan = classPlan(stay, x, x);
  if (plan === null) return fail('invalid-stay', 'a class change has no time');
  const userClass = plan.userClass;
  const i = versionAt(list, x);
  const ct = list[i];
  if (ct === undefined) return fail('no-tariff-in-force', `no tariff in force at exit (${localOf(list, x)})`);
  const rule = ct.rules.get(userClass);
  if (rule === undefined)
    return fail('unknown-user-class', `tariff ${ct.key} has no rule for user class '${userClass}'`);
  const format = ct.format;
  let fee = 0;
  let item: Item;
  const noEntry = ct.noEntry;
  const vehicle = stay.vehicleClass;
  if (rule.kind === 'exempt') {
    item = new Item(format, 'exempt', rule.path, rule.note.text, rule.note.textEn, ct.key, x, x, 1, 0, 0);
  } else if (noEntry?.dailyMaximum) {
    // 按当日最高收费: the whole calendar day of the exit under the rule that applies, for this vehicle.
    const day = ct.zone.localDay(x);
    const from = ct.zone.epochOfLocal(day, 0);
    const to = ct.zone.epochOfLocal(day + 1, 0);
    fee = chargeVersion(ct, userClass, vehicle, stay.energy === 'electric', from, to, 0, null);
    const date = ct.format(x).slice(0, 10);
    item = new Item(
      format,
      'no-entry',
      'noEntryRecord.dailyMaximum',
      `无入场记录，按当日最高收费${yuan(fee)}收取（${VEHICLE_NAMES[vehicle][0]}按${ct.doc.rules[userClass]?.label ?? userClass}计${date} 00:00至24:00）`,
      `no entry record: the day's maximum, ${yuanEn(fee)} (${VEHICLE_NAMES[vehicle][1]}, ${date} 00:00 to 24:00)`,
      ct.key,
      x,
      x,
      1,
      fee,
      fee,
    );
  } else {
    const byClass = noEntry?.byVehicleFen?.[vehicle];
    const flat = byClass ?? noEntry?.feeFen;
    if (flat === undefined) {
      return fail('no-entry-record', `no entry record and tariff ${ct.key} sets no fee for it: refer to staff`);
    }
    fee = flat;
    item = new Item(
      format,
      'no-entry',
      byClass === undefined ? 'noEntryRecord.feeFen' : `noEntryRecord.byVehicleFen.${vehicle}`,
      byClass === undefined
        ? `无入场记录，按${yuan(fee)}收取`
        : `无入场记录，${VEHICLE_NAMES[vehicle][0]}按${yuan(fee)}收取`,
      byClass === undefined
        ? `no entry record: flat ${yuanEn(fee)}`
        : `no entry record: ${VEHICLE_NAMES[vehicle][1]} pay ${yuanEn(fee)}`,
      ct.key,
      x,
      x,
      1,
      fee,
      fee,
    );
  }
  const { at, paid } = lastPayment(stay);
  const items = [item];
  let paidExit: { until: number } | null = null;
  if (paid >= fee && fee > 0 && x <= at + ct.paidExitMs) {
    paidExit = { until: at + ct.paidExitMs };
    items.push(paidExitItem(ct, at, x));
  }
  return {
    ok: true,
    totalFen: fee,
    paidFen: paid,
    dueFen: Math.max(0, fee - paid),
    items,
    paidExit,
    tariffIds: [ct.key],
  };
}

/**
 * The fee of a stay under the versions of one site's tariff, with an itemised breakdown that sums to the total.
 * `dueFen` is what the gate still needs: zero within the paid-exit window after a full payment.
 */
export function quote(stay: Stay, tariffs: CompiledTariff | readonly CompiledTariff[]): QuoteResult {
  const list = isList(tariffs) ? tariffs : [tariffs];
  const x = stay.exitAt;
  if (!Number.isFinite(x)) return fail('invalid-stay', 'exitAt is not a time');
  if (stay.entryAt === null) return noEntryQuote(stay, list);
  const e = stay.entryAt;
  if (!Number.isFinite(e)) return fail('invalid-stay', 'entryAt is not a time');
  if (x < e) return fail('exit-before-entry', `exit ${localOf(list, x)} is before entry ${localOf(list, e)}`);
  const first = versionAt(list, e);
  if (first < 0) return fail('no-tariff-in-force', `no tariff in force at entry (${localOf(list, e)})`);
  const plan = classPlan(stay, e, x);
  if (plan === null) return fail('invalid-stay', 'a class change has no time');
  const lastV = versionAt(list, x);
  const tariffIds: string[] = [];
  for (let i = first; i <= lastV; i++) tariffIds.push((list[i] as CompiledTariff).key);
  // Every class must have a rule in each version in force while the car is in that class.
  const parts = [{ userClass: plan.userClass, at: e }, ...plan.changes];
  for (const [k, part] of parts.entries()) {
    const end = parts[k + 1]?.at ?? x;
    for (let i = versionAt(list, part.at); i <= versionAt(list, end); i++) {
      const ct = list[i] as CompiledTariff;
      if (!ct.rules.has(part.userClass)) {
        return fail('unknown-user-class', `tariff ${ct.key} has no rule for user class '${part.userClass}'`);
      }
    }
  }
  const ctx: Ctx = {
    list,
    first,
    userClass: plan.userClass,
    vehicle: stay.vehicleClass,
    electric: stay.energy === 'electric',
    entry: e,
    coupons: stay.coupons,
    changes: plan.changes,
  };
  // A class that had already ended at entry: said first in the breakdown.
  const ended = plan.endedBefore;
  const lead = ended ? [classChangeItem(list, ended.change, ended.before)] : [];
  // Payments in time order: each one that covers the fee as of its time settles the stay there (#26.1).
  const payments = stay.payments.filter((p) => p.at <= x).sort((a, b) => a.at - b.at);
  let paid = 0;
  for (const p of stay.payments) paid += p.amountFen;
  let running = 0;
  let settled: Settlement | null = null;
  for (const p of payments) {
    running += p.amountFen;
    if (p.at < e) continue;
    const items: Item[] = [];
    const fee = feeTo(ctx, settled, p.at, items);
    if (running >= fee) settled = { at: p.at, fee, items };
  }
  if (settled) {
    const ct = list[versionAt(list, settled.at)] as CompiledTariff;
    if (x <= settled.at + ct.paidExitMs) {
      return {
        ok: true,
        totalFen: settled.fee,
        paidFen: paid,
        dueFen: Math.max(0, settled.fee - paid),
        items: [...lead, ...settled.items, paidExitItem(ct, settled.at, x)],
        paidExit: { until: settled.at + ct.paidExitMs },
        tariffIds,
      };
    }
  }
  const items: Item[] = [];
  const total = feeTo(ctx, settled, x, items);
  return {
    ok: true,
    totalFen: total,
    paidFen: paid,
    dueFen: Math.max(0, total - paid),
    items: [...lead, ...items],
    paidExit: null,
    tariffIds,
  };
}

/**
 * The class of a stay at entry and its changes inside it (#26.3), in time order; a change to the class already in
 * force is none. `endedBefore`: the class the stay was given had already ended at entry (shown in the breakdown).
 */
function classPlan(
  stay: Stay,
  e: number,
  x: number,
): {
  userClass: string;
  changes: ClassChange[];
  endedBefore: { change: ClassChange; before: string } | null;
} | null {
  if (stay.classChanges.some((c) => !Number.isFinite(c.at))) return null;
  const sorted = [...stay.classChanges].sort((a, b) => a.at - b.at);
  let userClass = stay.userClass;
  let endedBefore: { change: ClassChange; before: string } | null = null;
  const changes: ClassChange[] = [];
  for (const c of sorted) {
    if (c.at >= x && c.at > e) break;
    const current = changes.at(-1)?.userClass ?? userClass;
    if (c.userClass === current) continue;
    if (c.at <= e) {
      endedBefore = { change: c, before: stay.userClass };
      userClass = c.userClass;
    } else changes.push(c);
  }
  return { userClass, changes, endedBefore: userClass === stay.userClass ? null : endedBefore };
}

/** The stay settled by a full payment: its time, the fee then, and the items of that fee. */
interface Settlement {
  readonly at: number;
  readonly fee: number;
  readonly items: readonly Item[];
}

/**
 * The fee of the stay up to `t`. Settled by a full payment and past its paid-exit window, a `fromPayment` tariff adds
 * the overtime charged afresh from the payment time (a new stay from then under the overtime rules: no free period,
 * no coupons, caps counted from then); otherwise the stay is charged from entry (`fromEntry`: less what was paid).
 */
function feeTo(ctx: Ctx, settled: Settlement | null, t: number, items: Item[]): number {
  if (!settled) return feeAt(ctx, t, items);
  const ct = ctx.list[versionAt(ctx.list, settled.at)] as CompiledTariff;
  if (ct.overtime === 'fromEntry' || t <= settled.at + ct.paidExitMs) return feeAt(ctx, t, items);
  items.push(...settled.items, overtimeItem(ct, settled, t));
  const again = ctx.list.map((v) => ({ ...v, rules: v.overtimeRules }));
  // The overtime is charged under the class in force at the payment, and changes class where the stay does.
  const overtime: Ctx = {
    ...ctx,
    list: again,
    first: versionAt(again, settled.at),
    entry: settled.at,
    coupons: [],
    userClass: ctx.changes.findLast((c) => c.at <= settled.at)?.userClass ?? ctx.userClass,
    changes: ctx.changes.filter((c) => c.at > settled.at),
  };
  return settled.fee + versionsFee(overtime, t, 0, items);
}

function overtimeItem(ct: CompiledTariff, settled: Settlement, t: number): Item {
  const mins = ct.doc.paidExitMinutes;
  const when = ct.zone.format(settled.at);
  return new Item(
    ct.format,
    'overtime',
    'overtime',
    `已于${when}缴清${yuan(settled.fee)}；超过${span(mins)}离场，自缴费时起重新计费（不再享受免费时段）`,
    `paid ${yuanEn(settled.fee)} in full at ${when}; left more than ${spanEn(mins)} later: charged afresh from the payment time (no second free period)`,
    ct.key,
    settled.at,
    t,
    1,
    0,
    0,
  );
}
