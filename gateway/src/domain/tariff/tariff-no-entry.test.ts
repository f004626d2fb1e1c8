import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPublicText } from './public-text.ts';
import type { Stay, Tariff } from './tariff.schema.ts';
import { compileTariff } from './tariff-compile.ts';
import { parseTariffText } from './tariff-load.ts';
import { quote } from './tariff-quote.ts';
import { at, ok, stay } from './tariff-test-kit.ts';
import { validateTariff } from './tariff-validate.ts';

const root = resolve(import.meta.dirname, '../../../..');
function load(name: string, noEntryRecord: Tariff['noEntryRecord']): Tariff {
  const parsed = parseTariffText(readFileSync(resolve(root, 'tariffs', `${name}.yaml`), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.message);
  return { ...(parsed.tariffs[0] as Tariff), noEntryRecord };
}

const exitAt = (time: string, more: Partial<Stay> = {}): Stay => stay(null, at(time), more);

/** #26.4: real standards charge a missing entry record by vehicle (按车型) or the day's maximum (按当日最高收费). */
describe('no entry record', () => {
  it('by vehicle class over a flat amount', () => {
    const ct = compileTariff(load('residential-guidance', { feeFen: 1000, byVehicleFen: { large: 2500 } }));
    expect(ok(quote(exitAt('2025-03-03T10:00:00'), ct)).totalFen).toBe(1000);
    const large = ok(quote(exitAt('2025-03-03T10:00:00', { vehicleClass: 'large' }), ct));
    expect(large.totalFen).toBe(2500);
    expect(large.items.map((i) => i.text)).toEqual(['无入场记录，大型车按25元收取']);
    expect(ok(quote(exitAt('2025-03-03T10:00:00', { vehicleClass: 'motorcycle' }), ct)).totalFen).toBe(1000);
  });

  it('按当日最高收费: the rule that applies, for this vehicle, over the whole calendar day of the exit', () => {
    const rg = compileTariff(load('residential-guidance', { dailyMaximum: true }));
    // residential-guidance visitor: 00:00–24:00 = 1 h free + 23 hours × 2元 = 46元, 自入场起每24小时最高10元 → 10元;
    // a large vehicle pays 2倍 → 20元; an owner (1元/h, 最高5元) 5元.
    expect(ok(quote(exitAt('2025-03-03T10:00:00'), rg)).totalFen).toBe(1000);
    expect(ok(quote(exitAt('2025-03-03T10:00:00', { vehicleClass: 'large' }), rg)).totalFen).toBe(2000);
    expect(ok(quote(exitAt('2025-03-03T10:00:00', { userClass: 'owner' }), rg)).totalFen).toBe(500);
    const item = ok(quote(exitAt('2025-03-03T10:00:00', { vehicleClass: 'large' }), rg)).items[0];
    expect(item?.text).toBe('无入场记录，按当日最高收费20元收取（大型车按临时车辆计2025-03-03 00:00至24:00）');
    // day-night visitor on Monday 2025-03-03: night 00:00–08:00 8 h × 1元 capped 5元 (每晚), day 08:00–20:00 24 steps ×
    // 1元 = 24元, night 20:00–24:00 4 × 1元 = 4元: 33元, 每个自然日最高20元 → 20元.
    const dn = compileTariff(load('day-night', { dailyMaximum: true }));
    expect(ok(quote(exitAt('2025-03-03T10:00:00'), dn)).totalFen).toBe(2000);
    // A pass holder pays nothing whatever the rule for others.
    expect(ok(quote(exitAt('2025-03-03T10:00:00', { userClass: 'monthly' }), dn)).totalFen).toBe(0);
  });

  it('no amount for this vehicle: the quote fails (the gate refers to staff)', () => {
    const ct = compileTariff(load('residential-guidance', { byVehicleFen: { large: 2500 } }));
    expect(quote(exitAt('2025-03-03T10:00:00'), ct)).toMatchObject({ ok: false, reason: 'no-entry-record' });
  });

  it('the 公示 says each', () => {
    const text = (n: Tariff['noEntryRecord']) => renderPublicText(load('residential-guidance', n)).split('\n');
    expect(text({ feeFen: 1000, byVehicleFen: { large: 2500 } })).toContain(
      '无入场记录的车辆按10元收取，其中大型车25元',
    );
    expect(text({ byVehicleFen: { large: 2500 } })).toContain(
      '无入场记录的车辆按车型收取：大型车25元；其他车型由管理人员核实处理',
    );
    expect(text({ dailyMaximum: true })).toContain(
      '无入场记录的车辆按当日最高收费收取：按其车型和适用的收费规则，计出场当日00:00至24:00的停车费',
    );
    expect(text(undefined)).toContain('无入场记录的车辆由管理人员核实处理');
  });

  it('refuses an empty noEntryRecord and an unknown vehicle class, naming the field', () => {
    const base = load('residential-guidance', undefined);
    const empty = validateTariff({ ...base, noEntryRecord: {} });
    expect(empty.ok ? [] : empty.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'noEntryRecord: set feeFen, byVehicleFen or dailyMaximum: true (or leave noEntryRecord out to refer to staff)',
    ]);
    const truck = validateTariff({ ...base, noEntryRecord: { byVehicleFen: { truck: 3000 } } });
    expect(truck.ok).toBe(false);
  });
});
