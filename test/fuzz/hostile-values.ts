import fc from 'fast-check';
import { TOPIC_EXAMPLES } from '../../gateway/src/protocol/index.ts';

/** The device-to-gateway topic kinds: everything a device may send the gateway. */
export const DEVICE_KINDS = ['plate', 'barrierState', 'loop', 'payment', 'spaceState', 'deviceStatus'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Characters that break naive plate handling: full-width, emoji, RTL overrides, NUL, combining marks, BOM. */
const NASTY_CHARS = [
  '\u0000',
  '\u202e',
  '\u200f',
  '\ufeff',
  '\u0301',
  '\u3000',
  'Ａ',
  '１',
  '京',
  '🚗',
  '👨‍👩‍👧',
  'ﷺ',
  '\ud800',
  '\udfff',
  '\\',
  '"',
  '/',
  '+',
  '#',
  '$',
  '\n',
  '\u2028',
];

/** Plate-like text: real shapes decorated with hostile characters, up to a little past the 16-unit limit. */
export const hostilePlate: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.oneof(fc.constantFrom(...NASTY_CHARS), fc.constantFrom(...'京沪粤ABCDEFGHJK0123456789·-')), {
      maxLength: 20,
    })
    .map((chars) => chars.join('')),
  fc.constantFrom('京Ａ１２３４５', '京A12345\u0000', '\u202e54321A京', '京A🚗345', '无牌', '', ' ', 'NOPLATE'),
  fc.string({ unit: 'grapheme', maxLength: 18 }),
  fc.string({ unit: 'binary', maxLength: 18 }),
);

/** Strings from empty to far past every limit, in every Unicode plane and with lone surrogates. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  hostilePlate,
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
  fc.integer({ min: 17, max: 20_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1, max: 3000 }).map((n) => '漢'.repeat(n)),
);

/** Numbers at and beyond every edge: negative, fractional, huge, unsafe integers, -0. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(-0, -1, 0.5, 1.5, 100.0001, 1e21, -1e21, 2 ** 53 + 2, -(2 ** 53), Number.MAX_VALUE, 5e-324),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

const protoObject: fc.Arbitrary<unknown> = fc.constantFrom(
  JSON.parse('{"__proto__": {"polluted": "yes"}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
  JSON.parse('{"__proto__": null}'),
);

/** Any JSON value a hostile device might put in a field: wrong types, deep nesting, pollution keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200 }).map(nested) },
  { weight: 1, arbitrary: protoObject },
);

/** `[[[…]]]` `depth` levels deep. */
export function nested(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** One change to a valid payload: set a field (known or not) to a hostile value, or delete a field. */
export type Mutation = { field: string; op: 'set'; value: unknown } | { field: string; op: 'delete' };

export function mutation(kind: DeviceKind): fc.Arbitrary<Mutation> {
  const fields = Object.keys(TOPIC_EXAMPLES[kind].payload);
  const field = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...fields) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'extra', 'prototype') },
  );
  return fc.oneof(
    { weight: 8, arbitrary: fc.record({ field, op: fc.constant('set' as const), value: hostileValue }) },
    { weight: 1, arbitrary: fc.record({ field: fc.constantFrom(...fields), op: fc.constant('delete' as const) }) },
  );
}

/** The JSON text of a valid example with one mutation applied; `__proto__` is written as an own key. */
export function mutatedPayload(base: Record<string, unknown>, m: Mutation): string {
  const entries = Object.entries(base).filter(([k]) => k !== m.field);
  const parts = entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  if (m.op === 'set') parts.push(`${JSON.stringify(m.field)}:${JSON.stringify(m.value) ?? 'null'}`);
  return `{${parts.join(',')}}`;
}

/** Did anything write through to Object.prototype? */
export function prototypePolluted(): boolean {
  return 'polluted' in {} || Object.hasOwn(Object.prototype, 'polluted');
}
