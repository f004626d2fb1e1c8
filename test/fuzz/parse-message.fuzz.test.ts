import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ID_PATTERN,
  MAX_PAYLOAD_BYTES,
  type ParseResult,
  parseMessage,
  TOPIC_DEFINITIONS,
  TOPIC_EXAMPLES,
  type TopicKind,
  type TopicParams,
  topics,
} from '../../gateway/src/protocol/index.ts';
import {
  DEVICE_KINDS,
  type DeviceKind,
  hostileString,
  hostileValue,
  mutatedPayload,
  mutation,
  prototypePolluted,
} from './hostile-values.ts';

// Level 1: parseMessage directly, many thousands of cases per device schema. Seeded so a failure replays.
const SEED = 20260302;
const RUNS = { mutated: 3000, wholeJson: 1000, bytes: 1000, topics: 3000 };
const FAILURE_CODES = new Set(['unknown-topic', 'too-large', 'bad-encoding', 'bad-json', 'bad-payload']);
const cases = new Map<string, number>();

function count(name: string): void {
  cases.set(name, (cases.get(name) ?? 0) + 1);
}

function topicOf(kind: TopicKind): string {
  const params = TOPIC_EXAMPLES[kind].params as TopicParams<TopicKind>;
  return (topics.build[kind] as (p: TopicParams<TopicKind>) => string)(params);
}

/** Never throws, and a refusal always carries a known code and a reason a person can read. */
function parseSafely(topic: string, payload: Uint8Array | string): ParseResult {
  let result: ParseResult | undefined;
  expect(() => {
    result = parseMessage(topic, payload);
  }).not.toThrow();
  if (!result) throw new Error('unreachable');
  if (!result.ok) {
    expect(FAILURE_CODES.has(result.code)).toBe(true);
    expect(typeof result.reason).toBe('string');
    expect(result.reason.length).toBeGreaterThan(5);
  }
  return result;
}

describe('parseMessage under hostile payloads (fast-check, level 1)', () => {
  afterAll(() => {
    const table = [...cases.entries()].map(([name, n]) => `${name}: ${n}`).join('\n  ');
    console.info(`parseMessage fuzz cases\n  ${table}`);
    expect(prototypePolluted()).toBe(false);
  });

  for (const kind of DEVICE_KINDS) {
    const topic = topicOf(kind);
    const base = TOPIC_EXAMPLES[kind].payload as Record<string, unknown>;
    const schema = TOPIC_DEFINITIONS[kind].schema;

    it(`${kind}: a valid payload with one field made hostile is accepted only when the schema accepts it, else the reason names the field`, () => {
      fc.assert(
        fc.property(mutation(kind as DeviceKind), function mutatedField(m) {
          count(`${kind} mutated field`);
          const text = mutatedPayload(base, m);
          const result = parseSafely(topic, text);
          const bytes = Buffer.byteLength(text);
          if (bytes > MAX_PAYLOAD_BYTES) {
            expect(result).toMatchObject({ ok: false, code: 'too-large', kind });
            return;
          }
          const oracle = schema.safeParse(JSON.parse(text));
          expect(result.ok).toBe(oracle.success);
          if (result.ok) {
            // Strict schemas: nothing but the documented fields survives.
            expect(Object.keys(result.payload).every((k) => k in schema.shape || k in base)).toBe(true);
            expect(Object.hasOwn(result.payload, '__proto__')).toBe(false);
          } else {
            expect(result.code).toBe('bad-payload');
            expect(result.reason).toContain(`bad ${kind} payload`);
            expect(result.reason).toContain(m.field);
          }
          expect(prototypePolluted()).toBe(false);
        }),
        { numRuns: RUNS.mutated, seed: SEED },
      );
    });

    it(`${kind}: any JSON value as the whole payload is refused with a reason, never thrown`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), hostileValue), function wholePayload(value) {
          count(`${kind} whole payload`);
          const text = JSON.stringify(value) ?? 'null';
          const result = parseSafely(topic, text);
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.kind).toBe(kind);
        }),
        { numRuns: RUNS.wholeJson, seed: SEED },
      );
    });

    it(`${kind}: random bytes are refused as bad encoding, bad JSON or a bad payload`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2000 }), function randomBytes(bytes) {
          count(`${kind} random bytes`);
          const result = parseSafely(topic, bytes);
          expect(result.ok).toBe(false);
          if (!result.ok) expect(['bad-encoding', 'bad-json', 'bad-payload']).toContain(result.code);
        }),
        { numRuns: RUNS.bytes, seed: SEED },
      );
    });

    it(`${kind}: deep nesting and oversized payloads are refused before they cost anything`, () => {
      count(`${kind} nesting and size`);
      const deepArray = `${JSON.stringify(base).slice(0, -1)},"extra":${'['.repeat(5000)}${']'.repeat(5000)}}`;
      expect(Buffer.byteLength(deepArray)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
      expect(parseSafely(topic, deepArray)).toMatchObject({ ok: false, code: 'bad-payload' });
      const deepObject = `${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}`;
      expect(parseSafely(topic, deepObject)).toMatchObject({ ok: false, code: 'bad-payload' });
      const tooDeep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
      expect(parseSafely(topic, tooDeep)).toMatchObject({ ok: false, code: 'too-large' });
      const huge = Buffer.alloc(10 * 1024 * 1024, 0x20);
      expect(parseSafely(topic, huge)).toMatchObject({ ok: false, code: 'too-large' });
      // 16 KiB of three-byte characters is 5,462 of them: the limit counts bytes, not characters.
      const wide = JSON.stringify({ ...base, eventId: '漢'.repeat(5462) });
      expect(parseSafely(topic, wide)).toMatchObject({ ok: false, code: 'too-large' });
    });
  }

  it('a hostile topic is either a protocol topic with clean ids or refused as unknown, never thrown', () => {
    const level = fc.oneof(
      fc.constantFrom('parking', 's1', 'gate', 'g1', 'plate', 'space', 'state', 'device', 'status', '+', '#', '', '..'),
      hostileString,
    );
    const structured = fc.array(level, { minLength: 1, maxLength: 8 }).map((levels) => levels.join('/'));
    const payload = JSON.stringify(TOPIC_EXAMPLES.plate.payload);
    fc.assert(
      fc.property(fc.oneof(structured, fc.string({ unit: 'binary', maxLength: 600 })), function hostileTopic(topic) {
        count('topics');
        const result = parseSafely(topic, payload);
        if (result.ok || result.code !== 'unknown-topic') {
          const params = topics.match(topic)?.params as Record<string, string>;
          for (const value of Object.values(params)) expect(value).toMatch(ID_PATTERN);
        }
      }),
      { numRuns: RUNS.topics, seed: SEED },
    );
  });

  it('pollution keys at any depth are refused and leave Object.prototype alone', () => {
    const base = TOPIC_EXAMPLES.plate.payload;
    const texts = [
      `{"__proto__":{"polluted":"yes"},${JSON.stringify(base).slice(1)}`,
      `{"constructor":{"prototype":{"polluted":"yes"}},${JSON.stringify(base).slice(1)}`,
      JSON.stringify({ ...base, plate: { __proto__: { polluted: 'yes' } } }),
      `${JSON.stringify(base).slice(0, -1)},"__proto__":{"lane":"exit","polluted":"yes"}}`,
    ];
    for (const text of texts) {
      count('pollution keys');
      const result = parseSafely(topicOf('plate'), text);
      expect(result).toMatchObject({ ok: false, code: 'bad-payload' });
      expect(prototypePolluted()).toBe(false);
    }
  });
});
