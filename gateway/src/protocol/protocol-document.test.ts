import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMessage } from './parse-message.ts';
import { ProtocolDocument, protocolDocument } from './protocol-document.ts';
import { PROTOCOL_DOC_PATH, regeneratedProtocolDoc } from './render-docs.ts';
import { TOPIC_KINDS } from './topics.ts';

describe('protocolDocument', () => {
  const doc = protocolDocument();

  it('describes every topic with a JSON Schema and an example that parses', () => {
    expect(ProtocolDocument.safeParse(doc).success).toBe(true);
    expect(doc.topics.map((t) => t.kind)).toEqual(TOPIC_KINDS);
    for (const t of doc.topics) {
      expect(t.schema.type, t.kind).toBe('object');
      expect(t.schema.additionalProperties, t.kind).toBe(false);
      expect(Object.keys(t.schema.properties as object).length, t.kind).toBeGreaterThan(1);
      expect(parseMessage(t.example.topic, JSON.stringify(t.example.payload))).toMatchObject({
        ok: true,
        kind: t.kind,
      });
    }
  });

  it('states delivery and rights', () => {
    const status = doc.topics.find((t) => t.kind === 'deviceStatus')!;
    expect(status).toMatchObject({ pattern: 'parking/{site}/device/{device}/status', qos: 1, retained: true });
    expect(doc.topics.find((t) => t.kind === 'barrierCommand')!.publishers).toEqual(['gateway']);
    expect(doc.topics.find((t) => t.kind === 'plate')!.schema.required).toContain('eventId');
  });

  it('uses the configured root', () => {
    expect(protocolDocument({ root: 'acme' }).topics[0]!.example.topic).toBe('acme/lvyuan/gate/north/plate');
  });

  it('matches docs/protocol.md (regenerate with `npx tsx gateway/src/protocol/render-docs.ts --write`)', () => {
    expect(readFileSync(PROTOCOL_DOC_PATH, 'utf8')).toBe(regeneratedProtocolDoc());
  });
});
