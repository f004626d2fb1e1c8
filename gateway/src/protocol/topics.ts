import type { z } from 'zod';
import {
  BarrierCommandPayload,
  BarrierStatePayload,
  DeviceStatusPayload,
  DisplayPayload,
  ID_PATTERN,
  LoopPayload,
  OccupancyPayload,
  PaymentPayload,
  PlatePayload,
  ReportPeriod,
  ReportSummaryPayload,
  SpaceStatePayload,
} from './payloads.ts';

export const DEFAULT_TOPIC_ROOT = 'parking';

export type TopicDirection = 'device-to-gateway' | 'gateway-to-device' | 'gateway-to-others';

/** Every topic of the protocol: path below `{root}/{site}/`, payload schema and delivery. */
export const TOPIC_DEFINITIONS = {
  plate: {
    path: 'gate/{gate}/plate',
    direction: 'device-to-gateway',
    schema: PlatePayload,
    qos: 1,
    retained: false,
    description: 'A plate camera read a plate (or failed to: empty plate) in a lane of its gate.',
  },
  barrierState: {
    path: 'gate/{gate}/barrier/state',
    direction: 'device-to-gateway',
    schema: BarrierStatePayload,
    qos: 1,
    retained: false,
    description: 'A barrier reports that it opened, closed or failed, and why.',
  },
  loop: {
    path: 'gate/{gate}/loop',
    direction: 'device-to-gateway',
    schema: LoopPayload,
    qos: 1,
    retained: false,
    description: 'A vehicle loop reports a vehicle present, passed through, or the lane clear.',
  },
  payment: {
    path: 'gate/{gate}/payment',
    direction: 'device-to-gateway',
    schema: PaymentPayload,
    qos: 1,
    retained: false,
    description:
      'A pay terminal at the gate took a payment, in fen, for a session or a plate (at least one is not null).',
  },
  spaceState: {
    path: 'space/{space}/state',
    direction: 'device-to-gateway',
    schema: SpaceStatePayload,
    qos: 1,
    retained: false,
    description: 'A space sensor reports its space occupied or free, with battery and signal.',
  },
  deviceStatus: {
    path: 'device/{device}/status',
    direction: 'device-to-gateway',
    schema: DeviceStatusPayload,
    qos: 1,
    retained: true,
    description:
      'A device says it is online (retained); its MQTT will publishes the same topic with online=false. ' +
      'The will is set at connect time, so its ts is the connect time: use the receive time for "offline since".',
  },
  barrierCommand: {
    path: 'gate/{gate}/barrier/command',
    direction: 'gateway-to-device',
    schema: BarrierCommandPayload,
    qos: 1,
    retained: false,
    description: 'The gateway commands a barrier. Only the gateway may publish it.',
  },
  display: {
    path: 'gate/{gate}/display',
    direction: 'gateway-to-device',
    schema: DisplayPayload,
    qos: 1,
    retained: false,
    description:
      'What the LED panel (and voice) of a lane shows, in Chinese, for how long. Every panel text comes from the ' +
      'reason catalogue (gateway/src/domain/gate/reason-catalogue.ts), whatever led to it: a plate read, a payment ' +
      'that lets a held car out, or a barrier opened by staff. A payment that lets a held car out shows EXIT_PAID ' +
      '(the plate, 已缴费, 一路顺风; green, 5 s, voice 一路顺风), or EXIT_PAID_WINDOW (已缴费, 请通行) when the car had ' +
      'paid before it was read; a manual open shows MANUAL_OPEN (人工放行, 请通行).',
  },
  occupancy: {
    path: 'occupancy',
    direction: 'gateway-to-others',
    schema: OccupancyPayload,
    qos: 1,
    retained: true,
    description: 'Site occupancy with per-zone figures, status and freshness (retained).',
  },
  report: {
    path: 'report/{period}',
    direction: 'gateway-to-others',
    schema: ReportSummaryPayload,
    qos: 1,
    retained: true,
    description: 'The latest periodic evaluation report summary of the site, for the bureau (retained).',
  },
} as const satisfies Record<
  string,
  {
    path: string;
    direction: TopicDirection;
    schema: z.ZodType;
    qos: 0 | 1 | 2;
    retained: boolean;
    description: string;
  }
>;

type Definitions = typeof TOPIC_DEFINITIONS;
export type TopicKind = keyof Definitions;
export const TOPIC_KINDS = Object.keys(TOPIC_DEFINITIONS) as TopicKind[];

type ParamName<P extends string> = P extends `${string}{${infer N}}${infer Rest}` ? N | ParamName<Rest> : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The variable parts of a topic: always `site`, plus those in its path (`gate`, `space`, `device`, `period`). */
export type TopicParams<K extends TopicKind> = Simplify<
  { site: string } & { [N in ParamName<Definitions[K]['path']>]: N extends 'period' ? ReportPeriod : string }
>;
export type TopicPayload<K extends TopicKind> = z.infer<Definitions[K]['schema']>;
export type MatchedTopic = { [K in TopicKind]: { kind: K; params: TopicParams<K> } }[TopicKind];

export class ProtocolError extends Error {
  constructor(
    readonly code: 'ERR_PROTOCOL_BAD_ID' | 'ERR_PROTOCOL_BAD_ROOT',
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const ROOT_PATTERN = /^[A-Za-z0-9_-]{1,64}(\/[A-Za-z0-9_-]{1,64}){0,3}$/;
const MAX_TOPIC_LENGTH = 512;

type Level = { literal: string } | { param: string };

interface CompiledTopic {
  kind: TopicKind;
  levels: Level[];
}

function compile(kind: TopicKind): CompiledTopic {
  const levels = TOPIC_DEFINITIONS[kind].path.split('/').map(function toLevel(part): Level {
    const m = /^\{(\w+)\}$/.exec(part);
    return m ? { param: m[1]! } : { literal: part };
  });
  return { kind, levels };
}

const COMPILED = TOPIC_KINDS.map(compile);

function validParam(name: string, value: string): boolean {
  return name === 'period' ? ReportPeriod.safeParse(value).success : ID_PATTERN.test(value);
}

export type TopicBuilders = { [K in TopicKind]: (params: TopicParams<K>) => string };

export interface Topics {
  readonly root: string;
  /** Builders: `topics.build.plate({ site, gate })`. Throw `ERR_PROTOCOL_BAD_ID` on a bad id. */
  readonly build: TopicBuilders;
  /** Parse a concrete topic into its kind and params, or null when it is not a protocol topic. */
  match(topic: string): MatchedTopic | null;
  /** A subscription filter for a kind; params left out become `+`. */
  filter<K extends TopicKind>(kind: K, params?: Partial<TopicParams<K>>): string;
}

/** The topic module for one topic root (default `parking`; up to 4 levels, e.g. `acme/parking`). */
export function createTopics(root: string = DEFAULT_TOPIC_ROOT): Topics {
  if (!ROOT_PATTERN.test(root)) {
    throw new ProtocolError('ERR_PROTOCOL_BAD_ROOT', `topic root "${root}" must be 1–4 levels of A–Z a–z 0–9 _ -`);
  }
  const rootLevels = root.split('/');

  function assemble(kind: TopicKind, params: Record<string, string | undefined>, wildcard: boolean): string {
    const parts = [root];
    const site = params.site;
    if (site === undefined && wildcard) parts.push('+');
    else parts.push(checked(kind, 'site', site));
    for (const level of COMPILED.find((c) => c.kind === kind)!.levels) {
      if ('literal' in level) parts.push(level.literal);
      else if (params[level.param] === undefined && wildcard) parts.push('+');
      else parts.push(checked(kind, level.param, params[level.param]));
    }
    return parts.join('/');
  }

  function checked(kind: TopicKind, name: string, value: string | undefined): string {
    if (typeof value !== 'string' || !validParam(name, value)) {
      throw new ProtocolError('ERR_PROTOCOL_BAD_ID', `${kind} topic: ${name} ${JSON.stringify(value)} is not valid`);
    }
    return value;
  }

  const build = Object.fromEntries(
    TOPIC_KINDS.map(function builderFor(kind) {
      return [kind, (params: Record<string, string>) => assemble(kind, params, false)];
    }),
  ) as unknown as TopicBuilders;

  function match(topic: string): MatchedTopic | null {
    if (topic.length > MAX_TOPIC_LENGTH) return null;
    const parts = topic.split('/');
    const rest = parts.length - rootLevels.length - 1;
    if (rest < 1) return null;
    for (let i = 0; i < rootLevels.length; i++) if (parts[i] !== rootLevels[i]) return null;
    const site = parts[rootLevels.length]!;
    if (!ID_PATTERN.test(site)) return null;
    for (const candidate of COMPILED) {
      if (candidate.levels.length !== rest) continue;
      const params: Record<string, string> = { site };
      let ok = true;
      for (let i = 0; i < rest && ok; i++) {
        const level = candidate.levels[i]!;
        const part = parts[rootLevels.length + 1 + i]!;
        if ('literal' in level) ok = part === level.literal;
        else if (validParam(level.param, part)) params[level.param] = part;
        else ok = false;
      }
      if (ok) return { kind: candidate.kind, params } as MatchedTopic;
    }
    return null;
  }

  function filter<K extends TopicKind>(kind: K, params: Partial<TopicParams<K>> = {}): string {
    return assemble(kind, params as Record<string, string | undefined>, true);
  }

  return { root, build, match, filter };
}

/** The topic module for the default root `parking`. */
export const topics = createTopics();

const topicsByRoot = new Map<string, Topics>([[DEFAULT_TOPIC_ROOT, topics]]);

/** The cached topic module for a root. */
export function topicsFor(root: string = DEFAULT_TOPIC_ROOT): Topics {
  let t = topicsByRoot.get(root);
  if (!t) {
    t = createTopics(root);
    topicsByRoot.set(root, t);
  }
  return t;
}

/** Human-readable pattern of a topic, e.g. `{root}/{site}/gate/{gate}/plate`. */
export function topicPattern(kind: TopicKind, root = '{root}'): string {
  return `${root}/{site}/${TOPIC_DEFINITIONS[kind].path}`;
}
