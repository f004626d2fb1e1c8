import { z } from 'zod';
import { OPENING_REASONS, ReasonCode, reasonDisplay, reasonText } from '../domain/gate/reason-catalogue.ts';
import { ROLE_RIGHTS, ROLES, type Role } from './authorization.ts';
import { TOPIC_EXAMPLES } from './examples.ts';
import { MAX_PAYLOAD_BYTES } from './parse-message.ts';
import { DEFAULT_TOPIC_ROOT, TOPIC_DEFINITIONS, TOPIC_KINDS, type TopicKind } from './topics.ts';

export const ProtocolTopicDoc = z.object({
  kind: z.enum(TOPIC_KINDS as [TopicKind, ...TopicKind[]]),
  pattern: z.string(),
  direction: z.enum(['device-to-gateway', 'gateway-to-device', 'gateway-to-others']),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  retained: z.boolean(),
  description: z.string(),
  publishers: z.array(z.enum(ROLES as [Role, ...Role[]])),
  subscribers: z.array(z.enum(ROLES as [Role, ...Role[]])),
  schema: z.record(z.string(), z.unknown()).describe('JSON Schema (draft 2020-12) of the payload'),
  example: z.object({ topic: z.string(), payload: z.unknown() }),
});
export type ProtocolTopicDoc = z.infer<typeof ProtocolTopicDoc>;

export const ProtocolDocument = z.object({
  root: z.string(),
  encoding: z.string(),
  time: z.string(),
  maxPayloadBytes: z.int(),
  topics: z.array(ProtocolTopicDoc),
});
export type ProtocolDocument = z.infer<typeof ProtocolDocument>;

function rolesWith(kind: TopicKind, action: 'publish' | 'subscribe'): Role[] {
  return ROLES.filter((role) => ROLE_RIGHTS[role].some((r) => r.kind === kind && r.action === action));
}

/** The whole device protocol as data: topics, delivery, rights, JSON Schema and an example per topic. */
export function protocolDocument(options: { root?: string } = {}): ProtocolDocument {
  const root = options.root ?? DEFAULT_TOPIC_ROOT;
  const topics = TOPIC_KINDS.map(function docFor(kind): ProtocolTopicDoc {
    const def = TOPIC_DEFINITIONS[kind];
    const example = TOPIC_EXAMPLES[kind];
    const params = example.params as Record<string, string>;
    const path = def.path.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? name);
    return {
      kind,
      pattern: `${root}/{site}/${def.path}`,
      direction: def.direction,
      qos: def.qos,
      retained: def.retained,
      description: def.description,
      publishers: rolesWith(kind, 'publish'),
      subscribers: rolesWith(kind, 'subscribe'),
      schema: z.toJSONSchema(def.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
      example: { topic: `${root}/${params.site}/${path}`, payload: example.payload },
    };
  });
  return {
    root,
    encoding: 'JSON, UTF-8',
    time: 'ts and every other time field: epoch milliseconds (UTC), integer',
    maxPayloadBytes: MAX_PAYLOAD_BYTES,
    topics,
  };
}

export const GENERATED_BEGIN = '<!-- generated:begin (npx tsx gateway/src/protocol/render-docs.ts --write) -->';
export const GENERATED_END = '<!-- generated:end -->';

/** The generated part of docs/protocol.md: topic table and one example per topic. */
export function renderProtocolMarkdown(doc: ProtocolDocument = protocolDocument()): string {
  const out: string[] = [GENERATED_BEGIN, '', '### Topics', ''];
  out.push('| topic | direction | QoS | retained | published by | subscribed by |', '|---|---|---|---|---|---|');
  for (const t of doc.topics) {
    const retained = t.retained ? 'yes' : 'no';
    out.push(
      `| \`${t.pattern}\` | ${t.direction} | ${t.qos} | ${retained} | ${t.publishers.join(', ')} | ${t.subscribers.join(', ')} |`,
    );
  }
  out.push('', '### Reason codes', '');
  out.push(
    'Every barrier command carries one of these `reasonCode`s, and every display comes from the same catalogue. Only',
    'the codes marked "opens" send a `barrier/command`; a denial, a referral to staff or a hold sends the display only.',
    'Panel lines shown for plate 京A12345, 23 free spaces, ¥6 due.',
    '',
    '| reasonCode | opens | panel (zh) | meaning |',
    '|---|---|---|---|',
  );
  for (const code of ReasonCode.options) {
    const shown = reasonDisplay(code, { plate: '京A12345', free: 23, dueFen: 600, from: '23:00', to: '06:00' });
    const text = reasonText(code, { plate: '京A12345', dueFen: 600, from: '23:00', to: '06:00' });
    const opens = OPENING_REASONS.has(code) ? 'opens' : 'display only';
    out.push(
      `| \`${code}\` | ${opens} | ${shown.lines.join(' / ')} (${shown.colour}, ${shown.seconds} s) | ${text.zh}; ${text.en} |`,
    );
  }
  out.push('', '### Examples', '');
  for (const t of doc.topics) {
    out.push(`#### ${t.kind}`, '', t.description, '', `Topic: \`${t.example.topic}\``, '');
    out.push('```json', JSON.stringify(t.example.payload, null, 2), '```', '');
  }
  out.push(GENERATED_END);
  return out.join('\n');
}

/** Replace the generated section of a markdown text; null when the markers are missing. */
export function replaceGeneratedSection(markdown: string, generated: string): string | null {
  const begin = markdown.indexOf('<!-- generated:begin');
  const end = markdown.indexOf(GENERATED_END);
  if (begin < 0 || end < begin) return null;
  return markdown.slice(0, begin) + generated + markdown.slice(end + GENERATED_END.length);
}
