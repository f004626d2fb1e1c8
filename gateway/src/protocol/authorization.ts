import { z } from 'zod';
import { DeviceKind, Id } from './payloads.ts';
import { TOPIC_DEFINITIONS, TOPIC_KINDS, type TopicKind, type TopicParams, type Topics, topicsFor } from './topics.ts';

const SiteOrAll = z.union([Id, z.literal('*')]);

/** Who a connected MQTT client is: a device bound to its site and gate/space, or a site-wide role. */
export const Identity = z.discriminatedUnion('role', [
  z.object({ role: z.literal('camera'), site: Id, gate: Id, device: Id }),
  z.object({ role: z.literal('barrier'), site: Id, gate: Id, device: Id }),
  z.object({ role: z.literal('loop'), site: Id, gate: Id, device: Id }),
  z.object({ role: z.literal('display'), site: Id, gate: Id, device: Id }),
  z.object({ role: z.literal('payTerminal'), site: Id, gate: Id, device: Id }),
  z.object({ role: z.literal('spaceSensor'), site: Id, space: Id, device: Id }),
  z.object({ role: z.literal('gateway'), site: SiteOrAll }),
  z.object({ role: z.literal('dashboard'), site: SiteOrAll }),
  z.object({ role: z.literal('bureau'), site: SiteOrAll }),
]);
export type Identity = z.infer<typeof Identity>;
export type Role = Identity['role'];
export const ROLES = Identity.options.map((o) => o.shape.role.value) as Role[];

type Binding = 'site' | 'gate' | 'space' | 'device';
type Action = 'publish' | 'subscribe';

export interface TopicRight {
  kind: TopicKind;
  action: Action;
  /** The topic params that must equal the identity's own values. */
  bind: readonly Binding[];
}

const GATEWAY_OUT = TOPIC_KINDS.filter((k) => TOPIC_DEFINITIONS[k].direction !== 'device-to-gateway');

const ownStatus: TopicRight = { kind: 'deviceStatus', action: 'publish', bind: ['site', 'device'] };

/** Topic rights per role, derived from the topic table. */
export const ROLE_RIGHTS: Record<Role, readonly TopicRight[]> = {
  camera: [
    { kind: 'plate', action: 'publish', bind: ['site', 'gate'] },
    { kind: 'loop', action: 'publish', bind: ['site', 'gate'] },
    ownStatus,
  ],
  barrier: [
    { kind: 'barrierState', action: 'publish', bind: ['site', 'gate'] },
    { kind: 'barrierCommand', action: 'subscribe', bind: ['site', 'gate'] },
    ownStatus,
  ],
  loop: [{ kind: 'loop', action: 'publish', bind: ['site', 'gate'] }, ownStatus],
  display: [{ kind: 'display', action: 'subscribe', bind: ['site', 'gate'] }, ownStatus],
  payTerminal: [{ kind: 'payment', action: 'publish', bind: ['site', 'gate'] }, ownStatus],
  spaceSensor: [{ kind: 'spaceState', action: 'publish', bind: ['site', 'space'] }, ownStatus],
  gateway: [
    ...TOPIC_KINDS.map((kind): TopicRight => ({ kind, action: 'subscribe', bind: ['site'] })),
    ...GATEWAY_OUT.map((kind): TopicRight => ({ kind, action: 'publish', bind: ['site'] })),
  ],
  dashboard: (['occupancy', 'report', 'display'] as const).map((kind) => ({
    kind,
    action: 'subscribe',
    bind: ['site'],
  })),
  bureau: (['occupancy', 'report', 'display'] as const).map((kind) => ({ kind, action: 'subscribe', bind: ['site'] })),
};

export type AuthorizeResult = { ok: true } | { ok: false; reason: string };

export interface AuthorizeOptions {
  root?: string;
}

function boundValue(identity: Identity, name: Binding): string | undefined {
  const value = (identity as Partial<Record<Binding, string>>)[name];
  return value === '*' ? undefined : value;
}

function describe(identity: Identity): string {
  const parts = [`site ${identity.site}`];
  if ('gate' in identity) parts.push(`gate ${identity.gate}`);
  if ('space' in identity) parts.push(`space ${identity.space}`);
  const who = 'device' in identity ? `${identity.role} ${identity.device}` : identity.role;
  return `${who} (${parts.join(', ')})`;
}

/** May this identity publish to this concrete topic? */
export function authorizePublish(identity: Identity, topic: string, options: AuthorizeOptions = {}): AuthorizeResult {
  const matched = topicsFor(options.root).match(topic);
  if (!matched) return { ok: false, reason: `not a protocol topic: "${topic.slice(0, 200)}"` };
  const rights = ROLE_RIGHTS[identity.role].filter((r) => r.action === 'publish' && r.kind === matched.kind);
  if (rights.length === 0) return { ok: false, reason: `${identity.role} may not publish ${matched.kind}` };
  const params = matched.params as Record<string, string>;
  for (const right of rights) {
    const own = right.bind.every(function matchesOwn(name) {
      const value = boundValue(identity, name);
      return value === undefined || params[name] === value;
    });
    if (own) return { ok: true };
  }
  return { ok: false, reason: `${describe(identity)} may not publish to ${topic}: not its own ${matched.kind} topic` };
}

/**
 * A device speaks only for itself: an event it publishes (plate read, loop, payment, barrier state, space state) must
 * name it as `deviceId`. The topic check alone lets a gate's entry camera publish a read that names the exit camera
 * on the same gate topic; the gateway then checks that the named device is the one the configuration puts behind that
 * lane, so together the read is bound to the camera that sent it. A payload that is not a JSON object, or has no
 * `deviceId`, is left to the gateway's schema check (counted there as bad-json or bad-payload).
 */
export function authorizePayload(identity: Identity, payload: Uint8Array | string): AuthorizeResult {
  if (!('device' in identity)) return { ok: true };
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      typeof payload === 'string' ? payload : new TextDecoder('utf-8', { fatal: true }).decode(payload),
    );
  } catch {
    return { ok: true };
  }
  if (typeof parsed !== 'object' || parsed === null || !('deviceId' in parsed)) return { ok: true };
  const named = parsed.deviceId;
  if (named === identity.device) return { ok: true };
  return {
    ok: false,
    reason: `${describe(identity)} published an event naming device ${JSON.stringify(String(named).slice(0, 64))}: a device may only speak for itself`,
  };
}

/** The subscription filters an identity may use (or any narrower filter). */
export function allowedSubscriptions(identity: Identity, options: AuthorizeOptions = {}): string[] {
  const t = topicsFor(options.root);
  const rights = ROLE_RIGHTS[identity.role].filter((r) => r.action === 'subscribe');
  const filters = rights.map(function filterOf(right) {
    const params: Record<string, string> = {};
    for (const name of right.bind) {
      const value = boundValue(identity, name);
      if (value !== undefined) params[name] = value;
    }
    return t.filter(right.kind, params as Partial<TopicParams<TopicKind>>);
  });
  if (TOPIC_KINDS.every((kind) => rights.some((r) => r.kind === kind))) {
    filters.push(siteWide(t, boundValue(identity, 'site')));
  }
  return filters;
}

function siteWide(t: Topics, site: string | undefined): string {
  return `${t.root}/${site ?? '+'}/#`;
}

const MAX_FILTER_LENGTH = 512;

/** Why a filter is malformed per [MQTT-4.7.1-2] and [MQTT-4.7.1-3], or null. */
export function filterSyntaxError(filter: string): string | null {
  if (filter.length === 0) return 'empty topic filter';
  if (filter.length > MAX_FILTER_LENGTH) return `topic filter longer than ${MAX_FILTER_LENGTH}`;
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return '# must be a whole last level';
    if (level.includes('+') && level !== '+') return '+ must be a whole level';
  }
  return null;
}

/** Does every topic matched by `requested` also match `allowed`? */
export function filterCovers(allowed: string, requested: string): boolean {
  const a = allowed.split('/');
  const r = requested.split('/');
  for (let i = 0; i < r.length; i++) {
    const al = a[i];
    const rl = r[i]!;
    if (al === '#') return true;
    if (al === undefined || rl === '#') return false;
    if (al === '+') continue;
    if (rl !== al) return false;
  }
  return a.length === r.length || (a.length === r.length + 1 && a[r.length] === '#');
}

/** May this identity subscribe with this topic filter (wildcards included)? */
export function authorizeSubscribe(
  identity: Identity,
  filter: string,
  options: AuthorizeOptions = {},
): AuthorizeResult {
  const syntax = filterSyntaxError(filter);
  if (syntax) return { ok: false, reason: syntax };
  const allowed = allowedSubscriptions(identity, options);
  if (allowed.some((a) => filterCovers(a, filter))) return { ok: true };
  return {
    ok: false,
    reason:
      `${describe(identity)} may not subscribe "${filter.slice(0, 200)}"` +
      ` (allowed: ${allowed.join(', ') || 'nothing'})`,
  };
}

/** The device roles are exactly the device kinds. */
export function isDeviceRole(role: Role): role is DeviceKind {
  return DeviceKind.safeParse(role).success;
}
