import { describe, expect, it } from 'vitest';
import { TOPIC_EXAMPLES } from './examples.ts';
import { DisplayPayload, OccupancyPayload, PaymentPayload, PlatePayload, SpaceStatePayload } from './payloads.ts';
import { TOPIC_DEFINITIONS, TOPIC_KINDS } from './topics.ts';

function issuePaths(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] {
  return (result.error?.issues ?? []).map((i) => i.path.map(String).join('.'));
}

describe('payload schemas', () => {
  it('accept the example of every topic', () => {
    for (const kind of TOPIC_KINDS) {
      const result = TOPIC_DEFINITIONS[kind].schema.safeParse(TOPIC_EXAMPLES[kind].payload);
      expect(result.success, kind).toBe(true);
    }
  });

  it('reject a plate read with confidence above 1, a bad colour, and a float ts', () => {
    const good = TOPIC_EXAMPLES.plate.payload;
    expect(issuePaths(PlatePayload.safeParse({ ...good, confidence: 1.2 }))).toEqual(['confidence']);
    expect(issuePaths(PlatePayload.safeParse({ ...good, colour: 'red' }))).toEqual(['colour']);
    expect(issuePaths(PlatePayload.safeParse({ ...good, ts: 1.5 }))).toEqual(['ts']);
    expect(issuePaths(PlatePayload.safeParse({ ...good, ts: '2026-01-01T00:00:00Z' }))).toEqual(['ts']);
  });

  it('accept an empty plate (no plate read) but not an overlong one', () => {
    const good = TOPIC_EXAMPLES.plate.payload;
    expect(PlatePayload.safeParse({ ...good, plate: '' }).success).toBe(true);
    expect(issuePaths(PlatePayload.safeParse({ ...good, plate: 'X'.repeat(17) }))).toEqual(['plate']);
  });

  it('reject unknown fields (strict objects)', () => {
    const result = SpaceStatePayload.safeParse({ ...TOPIC_EXAMPLES.spaceState.payload, batery: 50 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('keep money in integer fen and need a session or a plate', () => {
    const good = TOPIC_EXAMPLES.payment.payload;
    expect(issuePaths(PaymentPayload.safeParse({ ...good, amountFen: 15.5 }))).toEqual(['amountFen']);
    expect(issuePaths(PaymentPayload.safeParse({ ...good, amountFen: 0 }))).toEqual(['amountFen']);
    expect(issuePaths(PaymentPayload.safeParse({ ...good, sessionId: null, plate: null }))).toEqual(['sessionId']);
    expect(PaymentPayload.safeParse({ ...good, sessionId: null, plate: '京A12345' }).success).toBe(true);
  });

  it('bound display lines to 1–4 short strings', () => {
    const good = TOPIC_EXAMPLES.display.payload;
    expect(issuePaths(DisplayPayload.safeParse({ ...good, lines: [] }))).toEqual(['lines']);
    expect(issuePaths(DisplayPayload.safeParse({ ...good, lines: ['a', 'b', 'c', 'd', 'e'] }))).toEqual(['lines']);
    expect(issuePaths(DisplayPayload.safeParse({ ...good, lines: ['余位'.repeat(20)] }))).toEqual(['lines.0']);
  });

  it('name the path of a bad zone field in occupancy', () => {
    const good = TOPIC_EXAMPLES.occupancy.payload;
    const zones = [good.zones[0], { ...good.zones[1], source: 'camera' }];
    expect(issuePaths(OccupancyPayload.safeParse({ ...good, zones }))).toEqual(['zones.1.source']);
    expect(issuePaths(OccupancyPayload.safeParse({ ...good, freshness: { ts: 1 } }))).toEqual([
      'freshness.oldestInputAgeMs',
    ]);
  });
});
