import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Stay } from './tariff.schema.ts';
import { type CompiledTariff, compileTariff, compileTariffs } from './tariff-compile.ts';
import { parseTariffText } from './tariff-load.ts';
import { quote } from './tariff-quote.ts';
import { at, H, M, stay, tariffOf } from './tariff-test-kit.ts';

const root = resolve(import.meta.dirname, '../../../..');
const examples = ['residential-guidance', 'banded-visitor', 'day-night'].map(function load(name) {
  const parsed = parseTariffText(readFileSync(resolve(root, 'tariffs', `${name}.yaml`), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.message);
  return compileTariff(parsed.tariffs[0] as never);
});
const [guidance, , dayNight] = examples as [CompiledTariff, CompiledTariff, CompiledTariff];
// a version change in the middle of 2025, to exercise splitting
const versions = compileTariffs([
  tariffOf({ visitor: { type: 'interval', label: 'v', unitMinutes: 60, priceFen: 200, caps: { perStayFen: 3000 } } }),
  tariffOf(
    {
      visitor: {
        type: 'interval',
        label: 'v',
        unitMinutes: 30,
        priceFen: 150,
        freePeriod: { minutes: 30, mode: 'grace' },
      },
    },
    { version: 2, effectiveFrom: '2025-06-15T12:00:00+08:00' },
  ),
]);

const YEAR = at('2025-01-01T00:00:00');
const entryArb = fc.integer({ min: YEAR, max: YEAR + 360 * 24 * H });
const durationArb = fc.oneof(fc.integer({ min: 0, max: 26 * H }), fc.integer({ min: 0, max: 40 * 24 * H }));
const profileArb = fc.record({
  vehicleClass: fc.constantFrom('small', 'large', 'motorcycle') as fc.Arbitrary<Stay['vehicleClass']>,
  energy: fc.constantFrom('fuel', 'electric') as fc.Arbitrary<Stay['energy']>,
  userClass: fc.constantFrom('visitor', 'owner', 'monthly'),
});
const tariffArb = fc.constantFrom<CompiledTariff | readonly CompiledTariff[]>(...examples, versions);

function total(t: CompiledTariff | readonly CompiledTariff[], s: Stay): number {
  const r = quote(s, t);
  if (!r.ok) throw new Error(r.message);
  return r.totalFen;
}

describe('fee properties', () => {
  it('never decreases as the stay grows', () => {
    fc.assert(
      fc.property(tariffArb, entryArb, durationArb, durationArb, profileArb, (t, e, a, b, p) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        const userClass = Array.isArray(t) ? 'visitor' : p.userClass;
        expect(total(t, stay(e, e + short, { ...p, userClass }))).toBeLessThanOrEqual(
          total(t, stay(e, e + long, { ...p, userClass })),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('always has a breakdown that sums to the total, coupons and payments included', () => {
    const couponArb = fc.oneof(
      fc.record({
        id: fc.constant('a'),
        kind: fc.constant('amount' as const),
        amountFen: fc.integer({ min: 0, max: 3000 }),
      }),
      fc.record({
        id: fc.constant('p'),
        kind: fc.constant('percent' as const),
        percentOff: fc.integer({ min: 1, max: 100 }),
      }),
      fc.record({
        id: fc.constant('t'),
        kind: fc.constant('time' as const),
        minutes: fc.integer({ min: 1, max: 600 }),
      }),
    );
    fc.assert(
      fc.property(
        tariffArb,
        entryArb,
        durationArb,
        profileArb,
        fc.array(couponArb, { maxLength: 3 }),
        fc.option(
          fc.record({ back: fc.integer({ min: 0, max: 30 * M }), amountFen: fc.integer({ min: 0, max: 5000 }) }),
        ),
        (t, e, d, p, coupons, pay) => {
          const userClass = Array.isArray(t) ? 'visitor' : p.userClass;
          const payments = pay ? [{ at: Math.max(e, e + d - pay.back), amountFen: pay.amountFen }] : [];
          const r = quote(stay(e, e + d, { ...p, userClass, coupons, payments }), t);
          if (!r.ok) throw new Error(r.message);
          expect(r.items.reduce((s, i) => s + i.amountFen, 0)).toBe(r.totalFen);
          expect(r.totalFen).toBeGreaterThanOrEqual(0);
          expect(r.dueFen).toBe(Math.max(0, r.totalFen - r.paidFen) * (r.paidExit ? 0 : 1));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never exceeds a cap', () => {
    const factor = { small: 1, large: 2, motorcycle: 0.5 } as const;
    fc.assert(
      fc.property(entryArb, durationArb, profileArb, (e, d, p) => {
        const s = stay(e, e + d, { ...p, userClass: 'visitor' });
        // at most ¥10 for each started 24 h from entry
        expect(total(guidance, s)).toBeLessThanOrEqual(
          1000 * Math.max(1, Math.ceil(d / (24 * H))) * factor[p.vehicleClass],
        );
        // at most ¥20 for each calendar day touched
        const days = dayNight.zone.localDay(e + d) - dayNight.zone.localDay(e) + 1;
        expect(total(dayNight, s)).toBeLessThanOrEqual(2000 * days * factor[p.vehicleClass]);
        // at most ¥30 per stay
        expect(total(versions[0] as CompiledTariff, s)).toBeLessThanOrEqual(3000);
      }),
      { numRuns: 400 },
    );
  });

  it('is zero inside a free period', () => {
    fc.assert(
      fc.property(entryArb, fc.integer({ min: 0, max: 2 * H }), profileArb, (e, d, p) => {
        if (d <= 60 * M) expect(total(guidance, stay(e, e + d, { ...p, userClass: 'visitor' }))).toBe(0);
        if (d <= 30 * M) expect(total(dayNight, stay(e, e + d, { ...p, userClass: 'visitor' }))).toBe(0);
        expect(total(dayNight, stay(e, e + d, { ...p, userClass: 'visitor', energy: 'electric' }))).toBe(0);
        expect(total(guidance, stay(e, e + d, { ...p, userClass: 'owner' }))).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
