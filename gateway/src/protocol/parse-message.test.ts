import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TOPIC_EXAMPLES } from './examples.ts';
import { MAX_PAYLOAD_BYTES, parseMessage } from './parse-message.ts';
import { createTopics, TOPIC_KINDS, type TopicKind, type TopicParams, topics } from './topics.ts';

const plateTopic = 'parking/lvyuan/gate/north/plate';
const plate = TOPIC_EXAMPLES.plate.payload;

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

describe('parseMessage', () => {
  it('parses every example into kind, params and typed payload', () => {
    for (const kind of TOPIC_KINDS) {
      const params = TOPIC_EXAMPLES[kind].params as TopicParams<TopicKind>;
      const topic = (topics.build[kind] as (p: TopicParams<TopicKind>) => string)(params);
      const result = parseMessage(topic, json(TOPIC_EXAMPLES[kind].payload));
      expect(result).toEqual({ ok: true, kind, params, payload: TOPIC_EXAMPLES[kind].payload });
    }
  });

  it('narrows the payload type by kind', () => {
    const result = parseMessage(plateTopic, json(plate));
    if (!result.ok || result.kind !== 'plate') throw new Error('expected a plate');
    expect(result.payload.colour).toBe('blue');
    expect(result.params.gate).toBe('north');
  });

  it('says the topic is unknown', () => {
    expect(parseMessage('parking/lvyuan/gate/north/horn', json(plate))).toMatchObject({
      ok: false,
      code: 'unknown-topic',
      reason: 'unknown topic "parking/lvyuan/gate/north/horn"',
    });
  });

  it('refuses payloads over 16 KiB before parsing them', () => {
    const big = Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20);
    expect(parseMessage(plateTopic, big)).toMatchObject({ ok: false, code: 'too-large', kind: 'plate' });
    expect(parseMessage(plateTopic, Buffer.alloc(MAX_PAYLOAD_BYTES, 0x20))).toMatchObject({ code: 'bad-json' });
  });

  it('says the payload is not JSON, or not UTF-8', () => {
    expect(parseMessage(plateTopic, Buffer.from('{"lane": entry}'))).toMatchObject({ ok: false, code: 'bad-json' });
    expect(parseMessage(plateTopic, Buffer.from([0x7b, 0xff, 0x7d]))).toMatchObject({ code: 'bad-encoding' });
  });

  it('names the path of the bad field', () => {
    const result = parseMessage(plateTopic, json({ ...plate, confidence: 3 }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('bad-payload');
    expect(result.reason).toMatch(/^bad plate payload: confidence: /);
  });

  it('accepts a string payload and another root', () => {
    const t = createTopics('acme');
    const topic = t.build.occupancy({ site: 'lvyuan' });
    const result = parseMessage(topic, JSON.stringify(TOPIC_EXAMPLES.occupancy.payload), { root: 'acme' });
    expect(result).toMatchObject({ ok: true, kind: 'occupancy' });
    expect(parseMessage(topic, JSON.stringify(TOPIC_EXAMPLES.occupancy.payload))).toMatchObject({ ok: false });
  });

  it('never throws on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.jsonValue(), function neverThrows(bytes, value) {
        expect(parseMessage(plateTopic, bytes).ok).toBe(false);
        expect(typeof parseMessage(plateTopic, JSON.stringify(value) ?? 'null').ok).toBe('boolean');
      }),
    );
  });
});
