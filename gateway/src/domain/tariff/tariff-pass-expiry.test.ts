import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPublicText } from './public-text.ts';
import type { ClassChange, Stay } from './tariff.schema.ts';
import { compileTariff } from './tariff-compile.ts';
import { parseTariffText } from './tariff-load.ts';
import { quote } from './tariff-quote.ts';
import { at, ok, stay } from './tariff-test-kit.ts';

const root = resolve(import.meta.dirname, '../../../..');
const doc = (() => {
  const parsed = parseTariffText(readFileSync(resolve(root, 'tariffs', 'residential-guidance.yaml'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.message);
  const [first] = parsed.tariffs;
  if (!first) throw new Error('no tariff');
  return first;
})();
const tariff = compileTariff(doc);

const ENTRY = at('2025-03-03T08:00:00');
const ENDS = at('2025-03-03T10:00:00');
const toVisitor: ClassChange[] = [{ at: ENDS, userClass: 'visitor' }];

function pass(exit: string, more: Partial<Stay> = {}) {
  return ok(quote(stay(ENTRY, at(exit), { userClass: 'monthly', classChanges: toVisitor, ...more }), tariff));
}

/**
 * #26.3: a pass that ends while the car is inside. residential-guidance: 月卡/年卡 free; 临时车辆 first hour free
 * (deducted), then 2元 per started hour, at most 10元 per 24 h from entry; 业主 2 h free, then 1元 per started hour.
 * The car enters Monday 2025-03-03 08:00 on a pass that ends at 10:00.
 */
describe('a pass that ends during the stay: the temporary rule from the expiry, as if entered then', () => {
  it.each([
    // 10:00–12:30 as a visitor: 2 h 30 − 1 h free = 1 h 30 → 2 started hours × 2元 = 4元. (From entry it would be
    // 4 h 30 − 1 h → 4 h = 8元; the pass alone, 0.)
    ['2025-03-03T12:30:00', 400],
    // 10:00–10:50: inside the free hour that starts at the expiry: 0.
    ['2025-03-03T10:50:00', 0],
    // 10:00–11:00: exactly the free hour: 0. 11:01: 1 minute over → 1 started hour = 2元.
    ['2025-03-03T11:00:00', 0],
    ['2025-03-03T11:01:00', 200],
    // Mon 10:00 → Tue 12:00 = 26 h: the 24 h cap counts from the expiry. Hours 1–24: 23 h × 2元 = 46元 → 10元;
    // hours 24–26: 2 × 2元 = 4元. 14元.
    ['2025-03-04T12:00:00', 1400],
    // The pass still valid at exit (exit at the expiry instant, validTo exclusive): free.
    ['2025-03-03T10:00:00', 0],
  ])('exit %s → %i fen', (exit, fen) => {
    expect(pass(exit).totalFen).toBe(fen);
  });

  it('the breakdown shows both parts: the pass up to the expiry, the temporary rule from it', () => {
    const q = pass('2025-03-03T12:30:00');
    expect(q.items.map((i) => [i.kind, i.fromLocal, i.toLocal, i.amountFen])).toEqual([
      ['exempt', '2025-03-03 08:00:00', '2025-03-03 10:00:00', 0],
      ['class-change', '2025-03-03 10:00:00', '2025-03-03 10:00:00', 0],
      ['free', '2025-03-03 10:00:00', '2025-03-03 11:00:00', 0],
      ['charge', '2025-03-03 11:00:00', '2025-03-03 12:30:00', 400],
    ]);
    const change = q.items[1];
    expect(change?.text).toBe('月卡/年卡车辆凭证于2025-03-03 10:00:00到期：自到期时起按临时车辆计费，视同该时入场');
    expect(change?.textEn).toBe(
      'Monthly and annual pass holders: credential ended at 2025-03-03 10:00:00; charged as Visitors (temporary vehicles) from then, as if entered then',
    );
  });

  it('a resident whose pass ends pays the owner rule from then', () => {
    // 10:00–13:30 as an owner: 3 h 30 − 2 h free = 1 h 30 → 2 started hours × 1元 = 2元.
    const q = ok(
      quote(
        stay(ENTRY, at('2025-03-03T13:30:00'), {
          userClass: 'monthly',
          classChanges: [{ at: ENDS, userClass: 'owner' }],
        }),
        tariff,
      ),
    );
    expect(q.totalFen).toBe(200);
  });

  it('a large vehicle pays its factor on the temporary part only', () => {
    // As the first case, ×200%: 8元.
    expect(pass('2025-03-03T12:30:00', { vehicleClass: 'large' }).totalFen).toBe(800);
  });

  it('a car that entered after its pass ended is a visitor for the whole stay, and the breakdown says why', () => {
    // Ended Mon 00:00; 08:00–10:30: 2 h 30 − 1 h → 2 started hours = 4元.
    const q = ok(
      quote(
        stay(ENTRY, at('2025-03-03T10:30:00'), {
          userClass: 'monthly',
          classChanges: [{ at: at('2025-03-03T00:00:00'), userClass: 'visitor' }],
        }),
        tariff,
      ),
    );
    expect(q.totalFen).toBe(400);
    expect(q.items.map((i) => i.kind)).toEqual(['class-change', 'free', 'charge']);
  });

  it('a renewal (the same class after the change) changes nothing', () => {
    const q = pass('2025-03-03T12:30:00', { classChanges: [{ at: ENDS, userClass: 'monthly' }] });
    expect(q.totalFen).toBe(0);
    expect(q.items.map((i) => i.kind)).toEqual(['exempt']);
  });

  it('paid after the expiry: the paid-exit window, then overtime from the payment under the temporary rule', () => {
    // 4元 paid at 12:30 settles the stay (the fee then is 4元, as above).
    const payments = [{ at: at('2025-03-03T12:30:00'), amountFen: 400 }];
    const inWindow = pass('2025-03-03T12:40:00', { payments });
    expect([inWindow.totalFen, inWindow.dueFen]).toEqual([400, 0]);
    expect(inWindow.paidExit?.until).toBe(at('2025-03-03T12:45:00'));
    // Leaves 13:00: 30 min after the payment, no second free period → 1 started hour = 2元 more: 6元, 2元 due.
    const late = pass('2025-03-03T13:00:00', { payments });
    expect([late.totalFen, late.dueFen]).toEqual([600, 200]);
    expect(late.items.filter((i) => i.kind === 'class-change')).toHaveLength(1);
  });

  it('no entry record: the class at the exit decides', () => {
    const exit = at('2025-03-03T12:00:00');
    const asPass = ok(quote(stay(null, exit, { userClass: 'monthly' }), tariff));
    expect(asPass.totalFen).toBe(0);
    // The pass ended at 10:00: the tariff's flat no-entry fee, 10元.
    const ended = ok(quote(stay(null, exit, { userClass: 'monthly', classChanges: toVisitor }), tariff));
    expect(ended.totalFen).toBe(1000);
  });

  it('a class the tariff has no rule for is refused, naming it', () => {
    const r = quote(
      stay(ENTRY, at('2025-03-03T12:00:00'), {
        userClass: 'monthly',
        classChanges: [{ at: ENDS, userClass: 'guest' }],
      }),
      tariff,
    );
    expect(r).toMatchObject({ ok: false, reason: 'unknown-user-class' });
    expect(r.ok ? '' : r.message).toContain("'guest'");
  });

  it('the 公示 says how a pass that ends during a stay is charged', () => {
    expect(renderPublicText(doc, 'zh-CN')).toContain(
      '月卡、年卡等凭证在停车期间到期的，到期前按原类别计费，自到期时起按到期后所属类别计费（无其他凭证的按临时车辆），视同到期时入场，免费时段和最高收费自到期时起计',
    );
    expect(renderPublicText(doc, 'en')).toContain(
      'a pass that ends while the vehicle is parked: charged as before up to the end, then under the class that applies after it (Visitors (temporary vehicles) if no other credential), as if entered then; free period and caps count from then',
    );
  });
});
