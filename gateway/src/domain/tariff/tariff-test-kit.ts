import { expect } from 'vitest';
import { type QuoteResult, type Stay, Tariff } from './tariff.schema.ts';
import { type CompiledTariff, compileTariff } from './tariff-compile.ts';
import { quote } from './tariff-quote.ts';

/** Test helpers: not exported from index.ts. */
export const at = (iso: string): number => Date.parse(iso.length === 19 ? `${iso}+08:00` : iso);
export const H = 3_600_000;
export const M = 60_000;
export const S = 1000;

export function tariffOf(rules: Record<string, unknown>, extra: Record<string, unknown> = {}): Tariff {
  return Tariff.parse({
    id: 'test',
    version: 1,
    name: '测试',
    effectiveFrom: '2024-01-01T00:00:00+08:00',
    rules,
    ...extra,
  });
}

export function compiled(rules: Record<string, unknown>, extra: Record<string, unknown> = {}): CompiledTariff {
  return compileTariff(tariffOf(rules, extra));
}

export function stay(entry: number | null, exit: number, more: Partial<Stay> = {}): Stay {
  return {
    entryAt: entry,
    exitAt: exit,
    vehicleClass: 'small',
    energy: 'fuel',
    userClass: 'visitor',
    payments: [],
    coupons: [],
    classChanges: [],
    ...more,
  };
}

/** Quotes, checks the breakdown sums to the total, and returns the successful result. */
export function ok(result: QuoteResult): Extract<QuoteResult, { ok: true }> {
  if (!result.ok) throw new Error(`quote failed: ${result.reason}: ${result.message}`);
  const sum = result.items.reduce((a, i) => a + i.amountFen, 0);
  expect(sum, 'breakdown sums to the total').toBe(result.totalFen);
  return result;
}

export function fee(
  tariffs: CompiledTariff | readonly CompiledTariff[],
  entry: number,
  exit: number,
  more: Partial<Stay> = {},
): number {
  return ok(quote(stay(entry, exit, more), tariffs)).totalFen;
}
