import type { QuoteItem, QuoteItemKind, VehicleClass } from './tariff.schema.ts';
import type { CompiledCharge, CompiledTariff, Note, Rate } from './tariff-compile.ts';
import { DAY } from './time-zone.ts';

/** One line of a breakdown; local times are rendered when read, to keep formatting off the hot path. */
export class Item implements QuoteItem {
  readonly #format: (ms: number) => string;
  constructor(
    format: (ms: number) => string,
    readonly kind: QuoteItemKind,
    readonly rule: string,
    readonly text: string,
    readonly textEn: string,
    readonly tariff: string,
    readonly from: number,
    readonly to: number,
    readonly units: number,
    readonly unitFen: number,
    readonly amountFen: number,
  ) {
    this.#format = format;
  }
  get fromLocal(): string {
    return this.#format(this.from);
  }
  get toLocal(): string {
    return this.#format(this.to);
  }
  toJSON(): QuoteItem {
    return {
      kind: this.kind,
      rule: this.rule,
      text: this.text,
      textEn: this.textEn,
      tariff: this.tariff,
      from: this.from,
      to: this.to,
      fromLocal: this.fromLocal,
      toLocal: this.toLocal,
      units: this.units,
      unitFen: this.unitFen,
      amountFen: this.amountFen,
    };
  }
}

/** Where one version's charge writes its items; null when only the amount is wanted. */
export interface Sink {
  readonly items: Item[];
  readonly format: (ms: number) => string;
  readonly tariff: string;
}

export function note(sink: Sink, kind: QuoteItemKind, n: Note, from: number, to: number, amountFen: number): void {
  sink.items.push(
    new Item(sink.format, kind, n.path, n.text, n.textEn, sink.tariff, from, to, 1, amountFen, amountFen),
  );
}

// Charged runs of the current computation: atoms of unitFen at runFrom + i*runStep, i < runCount, at most runCap in all.
let runFrom = new Float64Array(256);
let runStep = new Float64Array(256);
let runCount = new Float64Array(256);
let runUnit = new Float64Array(256);
let runCap = new Float64Array(256);
let runLast = new Float64Array(256);
let runTotal = new Float64Array(256);
let runs = 0;

function grow(): void {
  const size = runFrom.length * 2;
  const copy = (a: Float64Array) => {
    const b = new Float64Array(size);
    b.set(a);
    return b;
  };
  runFrom = copy(runFrom);
  runStep = copy(runStep);
  runCount = copy(runCount);
  runUnit = copy(runUnit);
  runCap = copy(runCap);
  runLast = copy(runLast);
  runTotal = copy(runTotal);
}

function pushRun(from: number, step: number, count: number, unit: number, cap: number): void {
  if (runs === runFrom.length) grow();
  runFrom[runs] = from;
  runStep[runs] = step;
  runCount[runs] = count;
  runUnit[runs] = unit;
  runCap[runs] = cap;
  runLast[runs] = from + (count - 1) * step;
  const total = count * unit;
  runTotal[runs] = Math.min(total, cap);
  runs++;
}

/** Amount of run j charged by atoms before instant t. */
function charged(from: Float64Array, j: number, t: number): number {
  const start = from[j] as number;
  if (t <= start) return 0;
  const count = runCount[j] as number;
  const started = Math.ceil((t - start) / (runStep[j] as number));
  const amount = Math.min(started, count) * (runUnit[j] as number);
  const cap = runCap[j] as number;
  return Math.min(amount, cap);
}

function chargeRate(r: Rate, a: number, b: number, sink: Sink | null): number {
  const units = Math.ceil((b - a) / r.stepMs);
  const amount = units * r.stepFen;
  pushRun(a, r.stepMs, units, r.stepFen, r.capFen);
  if (sink)
    sink.items.push(
      new Item(sink.format, 'charge', r.path, r.text, r.textEn, sink.tariff, a, b, units, r.stepFen, amount),
    );
  if (amount <= r.capFen) return amount;
  const over = amount - r.capFen;
  if (sink)
    sink.items.push(
      new Item(sink.format, 'band-cap', r.path, r.capText, r.capTextEn, sink.tariff, a, b, 1, -over, -over),
    );
  return r.capFen;
}

function chargeFlat(
  sink: Sink | null,
  path: string,
  text: string,
  textEn: string,
  a: number,
  b: number,
  at: number,
  fen: number,
) {
  pushRun(at, 1, 1, fen, fen);
  if (sink) sink.items.push(new Item(sink.format, 'charge', path, text, textEn, sink.tariff, a, b, 1, fen, fen));
  return fen;
}

/** Gross charge of the stretch [s, t) before daily and stay caps. */
function price(ct: CompiledTariff, rule: CompiledCharge, s: number, t: number, sink: Sink | null): number {
  const p = rule.pricing;
  let gross = 0;
  switch (p.t) {
    case 'interval': {
      let a = s;
      if (p.firstMs > 0) {
        const b = Math.min(s + p.firstMs, t);
        gross += chargeFlat(sink, p.first.path, p.first.text, p.first.textEn, s, b, s, p.firstFen);
        a = s + p.firstMs;
      }
      if (a < t) gross += chargeRate(p.rate, a, t, sink);
      return gross;
    }
    case 'additive': {
      for (const tier of p.tiers) {
        const a = s + tier.loMs;
        if (a >= t) break;
        gross += chargeRate(tier, a, Math.min(s + tier.hiMs, t), sink);
      }
      return gross;
    }
    case 'flat': {
      let d = t - s;
      if (p.stepMs > 0) d = Math.ceil(d / p.stepMs) * p.stepMs;
      let cycles = 0;
      if (p.cycleMs > 0) {
        cycles = Math.floor(d / p.cycleMs);
        d -= cycles * p.cycleMs;
      }
      const restFrom = s + cycles * p.cycleMs;
      if (cycles > 0) {
        pushRun(s, p.cycleMs, cycles, p.cycleFen, Number.POSITIVE_INFINITY);
        const amount = cycles * p.cycleFen;
        if (sink) {
          const item = new Item(
            sink.format,
            'charge',
            `${rule.path}.repeat`,
            p.cycleText,
            p.cycleTextEn,
            sink.tariff,
            s,
            Math.min(restFrom, t),
            cycles,
            p.cycleFen,
            amount,
          );
          sink.items.push(item);
        }
        gross += amount;
      }
      if (d > 0) {
        for (const tier of p.tiers) {
          if (d <= tier.hiMs) {
            const at = Math.min(restFrom + tier.loMs, t - 1);
            gross += chargeFlat(sink, tier.path, tier.text, tier.textEn, restFrom, t, at, tier.fen);
            break;
          }
        }
      }
      return gross;
    }
    case 'bands': {
      const zone = ct.zone;
      let day = zone.localDay(s);
      if (zone.epochOfLocal(day, p.anchorMin) > s) day--;
      for (;;) {
        // A band day runs from the anchor to the anchor next day. Its hours are priced by the calendar date they fall
        // on (#26.2): when that date's type differs after midnight, the hours after it use the next date's bands.
        const before = ct.dayType(day);
        const after = ct.dayType(day + 1);
        if (p.anchorMin === 0 || before === after) {
          for (const seg of p.sets[before] ?? []) {
            const bs = zone.epochOfLocal(day, seg.startMin);
            if (bs >= t) return gross;
            const be = zone.epochOfLocal(day, seg.endMin);
            if (be <= s) continue;
            gross += chargeRate(seg, Math.max(bs, s), Math.min(be, t), sink);
          }
        } else {
          const midnight = zone.epochOfLocal(day + 1, 0);
          // A night across midnight is one night for its cap: what its part before midnight took counts against it.
          let nightTaken = 0;
          let nightCap = Number.POSITIVE_INFINITY;
          for (const seg of p.sets[before] ?? []) {
            const bs = zone.epochOfLocal(day, seg.startMin);
            if (bs >= t) return gross;
            if (bs >= midnight) continue;
            const be = Math.min(zone.epochOfLocal(day, seg.endMin), midnight);
            if (seg.endMin > 1440) nightCap = seg.capFen;
            if (be <= s) continue;
            const taken = chargeRate(seg, Math.max(bs, s), Math.min(be, t), sink);
            if (seg.endMin > 1440) nightTaken = taken;
            gross += taken;
          }
          for (const seg of p.sets[after] ?? []) {
            const be = zone.epochOfLocal(day, seg.endMin);
            if (be <= midnight) continue;
            const bs = Math.max(zone.epochOfLocal(day, seg.startMin), midnight);
            if (bs >= t) return gross;
            if (be <= s) continue;
            const crosses = seg.startMin < 1440;
            const room = crosses ? Math.max(0, Math.min(seg.capFen, nightCap) - nightTaken) : seg.capFen;
            const rate = room === seg.capFen ? seg : { ...seg, capFen: room };
            gross += chargeRate(rate, Math.max(bs, s), Math.min(be, t), sink);
          }
        }
        day++;
      }
    }
  }
}

/** Total cut by the daily caps (rolling 24 h or calendar day, possibly escalating) over the runs of [s, t). */
function dailyCaps(
  ct: CompiledTariff,
  rule: CompiledCharge,
  e: number,
  s: number,
  t: number,
  sink: Sink | null,
  /** Windows before `e` (a restarted 24 h stay of `after24h: restart` counts on from the stay's first). */
  windowOffset = 0,
): number {
  const d = rule.daily;
  if (d === null) return 0;
  const zone = ct.zone;
  let index: number;
  let w0: number;
  let day = 0;
  if (d.rolling) {
    index = Math.floor((s - e) / DAY);
    w0 = e + index * DAY;
  } else {
    day = zone.localDay(s);
    if (zone.epochOfLocal(day, d.resetMin) > s) day--;
    let entryDay = zone.localDay(e);
    if (zone.epochOfLocal(entryDay, d.resetMin) > e) entryDay--;
    index = day - entryDay;
    w0 = zone.epochOfLocal(day, d.resetMin);
  }
  const last = d.capsFen.length - 1;
  let cut = 0;
  let lo = 0;
  const from = runFrom;
  const lastAt = runLast;
  const whole = runTotal;
  const n = runs;
  while (w0 < t) {
    const w1 = d.rolling ? w0 + DAY : zone.epochOfLocal(++day, d.resetMin);
    while (lo < n && (lastAt[lo] as number) < w0) lo++;
    let sum = 0;
    for (let j = lo; j < n && (from[j] as number) < w1; j++) {
      // A run wholly inside the window counts in full; only runs across its edges need counting atoms.
      if ((from[j] as number) >= w0 && (lastAt[j] as number) < w1) sum += whole[j] as number;
      else sum += charged(from, j, w1) - charged(from, j, w0);
    }
    const k = Math.min(index + windowOffset, last);
    const cap = d.capsFen[k] as number;
    if (sum > cap) {
      cut += sum - cap;
      if (sink) note(sink, 'daily-cap', d.notes[k] as Note, Math.max(w0, e), Math.min(w1, t), cap - sum);
    }
    w0 = w1;
    index++;
  }
  return cut;
}

/**
 * What one tariff version charges for a stay from entry e to t (free periods, pricing, caps, minimum, vehicle class,
 * new-energy discount), with `extraFreeMs` more free time from time coupons.
 */
export function chargeVersion(
  ct: CompiledTariff,
  userClass: string,
  vehicle: VehicleClass,
  electric: boolean,
  e: number,
  t: number,
  extraFreeMs: number,
  sink: Sink | null,
): number {
  const rule = ct.rules.get(userClass);
  if (rule === undefined) return 0;
  if (rule.kind === 'exempt') {
    if (sink) note(sink, 'exempt', rule.note, e, t, 0);
    return 0;
  }
  if (!rule.restart24h || t - e <= DAY) return chargeStay(ct, rule, vehicle, electric, e, t, extraFreeMs, sink, 0);
  // 重新滚动计费: each 24 h from entry is a stay of its own; time coupons count on the first.
  let total = 0;
  for (let k = 0; e + k * DAY < t; k++) {
    const from = e + k * DAY;
    const to = Math.min(from + DAY, t);
    total += chargeStay(ct, rule, vehicle, electric, from, to, k === 0 ? extraFreeMs : 0, sink, k);
  }
  return total;
}

/** One stay from e to t under a charging rule: free periods, pricing, caps, minimum, vehicle class, new energy. */
function chargeStay(
  ct: CompiledTariff,
  rule: CompiledCharge,
  vehicle: VehicleClass,
  electric: boolean,
  e: number,
  t: number,
  extraFreeMs: number,
  sink: Sink | null,
  windowOffset: number,
): number {
  if (rule.freeMode === 'grace' && t - e <= rule.freeMs) {
    if (sink) note(sink, 'free', rule.free, e, t, 0);
    return 0;
  }
  let s = e;
  if (rule.freeMode === 'deduct') {
    s = e + rule.freeMs;
    if (sink) note(sink, 'free', rule.free, e, Math.min(s, t), 0);
  }
  if (electric && rule.evFreeMs > 0) {
    const evEnd = e + rule.evFreeMs;
    if (sink) note(sink, 'new-energy', rule.evFree, e, Math.min(evEnd, t), 0);
    if (evEnd > s) s = evEnd;
  }
  s += extraFreeMs;
  if (s >= t) return 0;
  runs = 0;
  let net = price(ct, rule, s, t, sink);
  net -= dailyCaps(ct, rule, e, s, t, sink, windowOffset);
  if (net > rule.stayCapFen) {
    if (sink) note(sink, 'stay-cap', rule.stayCap, e, t, rule.stayCapFen - net);
    net = rule.stayCapFen;
  }
  if (net > 0 && net < rule.minimumFen) {
    if (sink) note(sink, 'minimum', rule.minimum, e, t, rule.minimumFen - net);
    net = rule.minimumFen;
  }
  const factor = rule.factors[vehicle];
  if (factor !== 100 && net > 0) {
    const adjusted = Math.floor((net * factor + 50) / 100);
    if (sink) note(sink, 'vehicle', rule.factorNotes[vehicle], e, t, adjusted - net);
    net = adjusted;
  }
  if (electric && rule.evPercent > 0 && net > 0) {
    const off = Math.floor((net * rule.evPercent + 50) / 100);
    if (sink) note(sink, 'new-energy', rule.evDiscount, e, t, -off);
    net -= off;
  }
  return net;
}
