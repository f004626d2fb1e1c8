import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPublicText } from './public-text.ts';
import type { Tariff } from './tariff.schema.ts';
import { compileTariff } from './tariff-compile.ts';
import { parseTariffText } from './tariff-load.ts';
import { quote } from './tariff-quote.ts';
import { at, H, ok, stay } from './tariff-test-kit.ts';
import { validateTariff } from './tariff-validate.ts';

const root = resolve(import.meta.dirname, '../../../..');
const base = (() => {
  const parsed = parseTariffText(readFileSync(resolve(root, 'tariffs', 'residential-guidance.yaml'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.tariffs[0] as Tariff;
})();

/** residential-guidance with the visitor rule's after24h (and daily caps) set. */
function variant(after24h: 'continue' | 'restart', capsFen = [1000]): Tariff {
  const visitor = base.rules.visitor;
  if (visitor?.type !== 'interval') throw new Error('unexpected visitor rule');
  return {
    ...base,
    rules: {
      ...base.rules,
      visitor: { ...visitor, after24h, caps: { daily: { window: 'rolling-24h', resetAt: '00:00', capsFen } } },
    },
  };
}

const fee = (t: Tariff, hours: number) =>
  ok(quote(stay(at('2025-03-03T10:00:00'), at('2025-03-03T10:00:00') + hours * H), compileTariff(t))).totalFen;

/** #26.5: 重新滚动计费 — each 24 h from entry is a stay of its own — next to today's reading, each with its 公示. */
describe('stays over 24 h: continue (one stay) or restart (every 24 h afresh)', () => {
  // 1 h free, then 2元 per started hour, at most 10元 per 24 h from entry.
  it.each([
    // 26 h. continue: hours 1–24 = 23 × 2元 → 10元; hours 24–26 = 2 × 2元 = 4元: 14元.
    //        restart: the first 24 h 10元; the next 2 h are a new stay: 1 h free + 1 h 2元: 12元.
    ['continue', 26, 1400],
    ['restart', 26, 1200],
    // 25 h. continue: 10元 + 1 hour 2元 = 12元. restart: 10元 + a new stay of 1 h (free) = 10元.
    ['continue', 25, 1200],
    ['restart', 25, 1000],
  ] as const)('%s, %i h: %i fen', (mode, hours, expected) => {
    expect(fee(variant(mode), hours)).toBe(expected);
  });

  it('escalating caps count on by window when the rule restarts', () => {
    // Caps [10元, 15元], 50 h. restart: 10元; 1 h free + 23 h = 46元 → 15元; the last 2 h: 1 h free + 1 h = 2元 (cap
    // 15元, the last one repeats): 27元. continue: 10元; 24 × 2元 = 48元 → 15元; 2 h = 4元: 29元.
    expect(fee(variant('restart', [1000, 1500]), 50)).toBe(2700);
    expect(fee(variant('continue', [1000, 1500]), 50)).toBe(2900);
  });

  it('each reading has its own 公示 sentence', () => {
    expect(renderPublicText(variant('restart'))).toContain(
      '每满24小时重新计费：自入场起每24小时为一个计费周期，免费时段、封顶和最低收费在每个周期重新计算',
    );
    expect(renderPublicText(variant('continue'))).toContain('停车超过24小时的连续计费，免费时段只计一次');
  });

  it('refuses restart with a calendar-day cap, naming the field', () => {
    const visitor = variant('restart').rules.visitor as Extract<Tariff['rules'][string], { type: 'interval' }>;
    const doc = {
      ...base,
      rules: {
        visitor: { ...visitor, caps: { daily: { window: 'calendar-day', resetAt: '00:00', capsFen: [1000] } } },
      },
    };
    const r = validateTariff(doc);
    expect(r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'rules.visitor.after24h: restart starts a new 24 h from entry; a calendar-day cap (caps.daily.window) cannot restart with it: use rolling-24h',
    ]);
  });
});
