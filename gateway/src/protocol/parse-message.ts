import type { z } from 'zod';
import { TOPIC_DEFINITIONS, type TopicKind, type TopicParams, type TopicPayload, topicsFor } from './topics.ts';

export const MAX_PAYLOAD_BYTES = 16 * 1024;

export type ParseFailureCode = 'unknown-topic' | 'too-large' | 'bad-encoding' | 'bad-json' | 'bad-payload';

export type ParsedMessage = {
  [K in TopicKind]: { ok: true; kind: K; params: TopicParams<K>; payload: TopicPayload<K> };
}[TopicKind];

export type ParseFailure = {
  ok: false;
  code: ParseFailureCode;
  /** A sentence a person can act on, naming the field path for a bad payload. */
  reason: string;
  kind?: TopicKind;
};

export type ParseResult = ParsedMessage | ParseFailure;

export interface ProtocolOptions {
  /** Topic root, default `parking`. */
  root?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** Parse and validate one MQTT message of the protocol. Never throws on input. */
export function parseMessage(topic: string, payload: Uint8Array | string, options: ProtocolOptions = {}): ParseResult {
  const matched = topicsFor(options.root).match(topic);
  if (!matched) {
    return { ok: false, code: 'unknown-topic', reason: `unknown topic "${topic.slice(0, 200)}"` };
  }
  const kind = matched.kind;
  const size = typeof payload === 'string' ? utf8Encoder.encode(payload).byteLength : payload.byteLength;
  if (size > MAX_PAYLOAD_BYTES) {
    return { ok: false, code: 'too-large', kind, reason: `payload of ${size} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  }
  let text: string;
  try {
    text = typeof payload === 'string' ? payload : utf8.decode(payload);
  } catch {
    return { ok: false, code: 'bad-encoding', kind, reason: 'payload is not valid UTF-8' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: 'bad-json', kind, reason: `payload is not JSON: ${(err as Error).message}` };
  }
  const schema: z.ZodType = TOPIC_DEFINITIONS[kind].schema;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, code: 'bad-payload', kind, reason: describeIssues(kind, parsed.error) };
  }
  return { ok: true, kind, params: matched.params, payload: parsed.data } as ParsedMessage;
}

function describeIssues(kind: TopicKind, error: z.ZodError): string {
  const shown = error.issues.slice(0, 5).map(function describe(issue) {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(payload)';
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length > shown.length ? ` (and ${error.issues.length - shown.length} more)` : '';
  return `bad ${kind} payload: ${shown.join('; ')}${more}`;
}
