import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPublicText } from './public-text.ts';
import type { Payment, Tariff } from './tariff.schema.ts';
import { compileTariff } from './tariff-compile.ts';
import { parseTariffText } from './tariff-load.ts';
import { quote } from './tariff-quote.ts';
import { at, ok, stay } from './tariff-test-kit.ts';

const root = resolve(import.meta.dirname, '../../../..');
function load(name: string): Tariff {
  const parsed = parseTariffText(readFileSync(resolve(root, 'tariffs', `${name}.yaml`), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.tariffs[0] as Tariff;
}

const pay = (time: string, amountFen: number): Payment => ({ at: at(time), amountFen });

/**
 * #26.1: "缴费后15分钟内离场不另收费；超时的自缴费时起…计费". Before, overtime was charged on the entry-hour grid less
 * what was paid: overtime inside an already paid started hour was free, later overtime cheaper than the text says.
 */
describe('overtime after the paid-exit window, charged afresh from the payment time', () => {
  // residential-guidance: 1 h free, then 2元 per started hour, 自入场起每24小时最高10元; window 15 min.
  const ct = compileTariff(load('residential-guidance'));
  type Row = [what: string, exit: string, payments: Payment[], total: number, due: number];
  const rows: Row[] = [
    // Paid at 12:30 the fee then: 10–11 free, 11–12 2元, 12:00–12:30 a started hour 2元 = 4元.
    [
      'leaves 12:40, inside the window: 4元, nothing due',
      '2025-03-03T12:40:00',
      [pay('2025-03-03T12:30:00', 400)],
      400,
      0,
    ],
    // 12:50 is past 12:45: from 12:30, 20 min = 1 started hour (no free hour again) = 2元 → 6元, 2元 due.
    // (The entry grid made it 4元: the 12:00 hour was already paid.)
    ['leaves 12:50: 4元 + 1 hour from 12:30', '2025-03-03T12:50:00', [pay('2025-03-03T12:30:00', 400)], 600, 200],
    // 14:31: from 12:30, 2 h 01 min = 3 started hours = 6元 → 10元, 6元 due (the entry grid: 11,12,13,14 = 8元).
    ['leaves 14:31: 4元 + 3 hours from 12:30', '2025-03-03T14:31:00', [pay('2025-03-03T12:30:00', 400)], 1000, 600],
    // Paid the overtime at 12:50 (2元 more, 6元 in all = the fee then): settled again, a new window to 13:05.
    [
      'pays the overtime at 12:50, leaves 13:00: 6元, nothing due',
      '2025-03-03T13:00:00',
      [pay('2025-03-03T12:30:00', 400), pay('2025-03-03T12:50:00', 200)],
      600,
      0,
    ],
    // … and leaving at 13:20 instead: from 12:50, 30 min = 1 started hour → 8元, 2元 due.
    [
      'pays the overtime at 12:50, leaves 13:20: 6元 + 1 hour from 12:50',
      '2025-03-03T13:20:00',
      [pay('2025-03-03T12:30:00', 400), pay('2025-03-03T12:50:00', 200)],
      800,
      200,
    ],
    // A part payment settles nothing: the stay is charged from entry, 10:00–12:50 = 4元, 2元 paid, 2元 due.
    ['a part payment: charged from entry', '2025-03-03T12:50:00', [pay('2025-03-03T12:30:00', 200)], 400, 200],
  ];
  it.each(rows)('%s', (_what, exit, payments, total, due) => {
    const q = ok(quote(stay(at('2025-03-03T10:00:00'), at(exit), { payments }), ct));
    expect([q.totalFen, q.dueFen]).toEqual([total, due]);
    // The breakdown adds up and says why.
    expect(q.items.reduce((sum, i) => sum + i.amountFen, 0)).toBe(total);
  });

  it('itemises the overtime: the settled part, why it starts again, and the hours from the payment', () => {
    const q = ok(
      quote(
        stay(at('2025-03-03T10:00:00'), at('2025-03-03T12:50:00'), { payments: [pay('2025-03-03T12:30:00', 400)] }),
        ct,
      ),
    );
    expect(q.items.map((i) => [i.kind, i.text, i.fromLocal, i.toLocal, i.amountFen])).toEqual([
      ['free', '1小时内免费', '2025-03-03 10:00:00', '2025-03-03 11:00:00', 0],
      ['charge', '每小时2元，不足1小时按1小时计', '2025-03-03 11:00:00', '2025-03-03 12:30:00', 400],
      [
        'overtime',
        '已于2025-03-03 12:30:00缴清4元；超过15分钟离场，自缴费时起重新计费（不再享受免费时段）',
        '2025-03-03 12:30:00',
        '2025-03-03 12:50:00',
        0,
      ],
      ['charge', '每小时2元，不足1小时按1小时计', '2025-03-03 12:30:00', '2025-03-03 12:50:00', 200],
    ]);
  });

  it('no second free period: a grace period (day-night: 30 min free when leaving within them) is not given again', () => {
    const dn = compileTariff(load('day-night'));
    // Mon 10:00, paid at 10:40: over 30 min, so from entry: 40 min = 2 steps of 30 min × 1元 = 2元.
    // Leaves 11:10 (past 10:55): from 10:40, 30 min = 1 step = 1元, although a fresh stay of 30 min would be free.
    const q = ok(
      quote(
        stay(at('2025-03-03T10:00:00'), at('2025-03-03T11:10:00'), { payments: [pay('2025-03-03T10:40:00', 200)] }),
        dn,
      ),
    );
    expect([q.totalFen, q.dueFen]).toEqual([300, 100]);
  });

  it('the other reading is a named option, and its 公示 says it: fromEntry charges the stay from entry less what was paid', () => {
    const tariff = { ...load('residential-guidance'), overtime: 'fromEntry' as const };
    // 10:00–12:50 from entry: 11 and 12 o'clock hours = 4元, 4元 paid: nothing due.
    const q = ok(
      quote(
        stay(at('2025-03-03T10:00:00'), at('2025-03-03T12:50:00'), { payments: [pay('2025-03-03T12:30:00', 400)] }),
        compileTariff(tariff),
      ),
    );
    expect([q.totalFen, q.dueFen]).toEqual([400, 0]);
    expect(renderPublicText(tariff)).toContain('缴费后15分钟内离场不另收费；超时的自入场起累计计费，扣除已缴费用');
    expect(renderPublicText(load('residential-guidance'))).toContain(
      '缴费后15分钟内离场不另收费；超时的自缴费时起按本标准重新计费（不再享受免费时段）',
    );
  });
});
