import { describe, expect, it } from 'vitest';
import {
  authorizePayload,
  authorizePublish,
  authorizeSubscribe,
  filterCovers,
  type Identity,
  ROLE_RIGHTS,
} from './authorization.ts';
import { TOPIC_KINDS, topics } from './topics.ts';

const camera: Identity = { role: 'camera', site: 's1', gate: 'north', device: 'cam-n1' };
const barrier: Identity = { role: 'barrier', site: 's1', gate: 'north', device: 'bar-n1' };
const display: Identity = { role: 'display', site: 's1', gate: 'north', device: 'led-n1' };
const sensor: Identity = { role: 'spaceSensor', site: 's1', space: 'A-01', device: 'sp-a01' };
const gateway: Identity = { role: 'gateway', site: 's1' };
const centralGateway: Identity = { role: 'gateway', site: '*' };
const bureau: Identity = { role: 'bureau', site: '*' };

describe('authorizePublish', () => {
  it('lets a camera publish plate and loop of its own gate and its own status', () => {
    expect(authorizePublish(camera, topics.build.plate({ site: 's1', gate: 'north' }))).toEqual({ ok: true });
    expect(authorizePublish(camera, topics.build.loop({ site: 's1', gate: 'north' }))).toEqual({ ok: true });
    expect(authorizePublish(camera, topics.build.deviceStatus({ site: 's1', device: 'cam-n1' }))).toEqual({ ok: true });
  });

  it("refuses a camera another gate's, another site's or another device's topic", () => {
    expect(authorizePublish(camera, topics.build.plate({ site: 's1', gate: 'south' }))).toEqual({
      ok: false,
      reason:
        'camera cam-n1 (site s1, gate north) may not publish to parking/s1/gate/south/plate: not its own plate topic',
    });
    expect(authorizePublish(camera, topics.build.plate({ site: 's2', gate: 'north' })).ok).toBe(false);
    expect(authorizePublish(camera, topics.build.deviceStatus({ site: 's1', device: 'bar-n1' })).ok).toBe(false);
  });

  it('lets only the gateway command barriers and drive displays, occupancy and reports', () => {
    const command = topics.build.barrierCommand({ site: 's1', gate: 'north' });
    expect(authorizePublish(camera, command)).toEqual({ ok: false, reason: 'camera may not publish barrierCommand' });
    expect(authorizePublish(barrier, command).ok).toBe(false);
    expect(authorizePublish(bureau, command).ok).toBe(false);
    expect(authorizePublish(gateway, command)).toEqual({ ok: true });
    expect(authorizePublish(gateway, topics.build.barrierCommand({ site: 's2', gate: 'north' })).ok).toBe(false);
    expect(authorizePublish(centralGateway, topics.build.barrierCommand({ site: 's2', gate: 'north' })).ok).toBe(true);
    for (const kind of ['barrierCommand', 'display', 'occupancy', 'report'] as const) {
      const publishers = Object.entries(ROLE_RIGHTS)
        .filter(([, rights]) => rights.some((r) => r.kind === kind && r.action === 'publish'))
        .map(([role]) => role);
      expect(publishers, kind).toEqual(['gateway']);
    }
  });

  it('refuses the gateway device topics, and everyone non-protocol topics', () => {
    expect(authorizePublish(gateway, topics.build.plate({ site: 's1', gate: 'north' })).ok).toBe(false);
    expect(authorizePublish(gateway, '$SYS/x')).toEqual({ ok: false, reason: 'not a protocol topic: "$SYS/x"' });
    expect(authorizePublish(sensor, topics.build.spaceState({ site: 's1', space: 'A-01' })).ok).toBe(true);
    expect(authorizePublish(sensor, topics.build.spaceState({ site: 's1', space: 'A-02' })).ok).toBe(false);
  });

  it('honours another root', () => {
    expect(authorizePublish(camera, 'acme/s1/gate/north/plate', { root: 'acme' }).ok).toBe(true);
    expect(authorizePublish(camera, 'parking/s1/gate/north/plate', { root: 'acme' }).ok).toBe(false);
  });
});

describe('authorizeSubscribe', () => {
  it('refuses a device any wildcard that reaches beyond its own topics', () => {
    for (const filter of [
      '#',
      'parking/#',
      'parking/s1/#',
      'parking/s1/gate/+/display',
      'parking/+/gate/north/display',
    ]) {
      expect(authorizeSubscribe(display, filter).ok, filter).toBe(false);
    }
    expect(authorizeSubscribe(display, 'parking/s1/gate/north/display')).toEqual({ ok: true });
    expect(authorizeSubscribe(display, 'parking/s1/gate/south/display').ok).toBe(false);
    expect(authorizeSubscribe(barrier, 'parking/s1/gate/north/barrier/command').ok).toBe(true);
    expect(authorizeSubscribe(barrier, 'parking/s1/gate/north/barrier/+').ok).toBe(false);
    expect(authorizeSubscribe(camera, 'parking/s1/gate/north/plate').ok).toBe(false);
  });

  it('lets the gateway subscribe everything of its site, not other sites', () => {
    for (const kind of TOPIC_KINDS)
      expect(authorizeSubscribe(gateway, topics.filter(kind, { site: 's1' })).ok).toBe(true);
    expect(authorizeSubscribe(gateway, 'parking/s1/#').ok).toBe(true);
    expect(authorizeSubscribe(gateway, 'parking/s1/gate/+/plate').ok).toBe(true);
    expect(authorizeSubscribe(gateway, 'parking/+/gate/+/plate').ok).toBe(false);
    expect(authorizeSubscribe(gateway, 'parking/#').ok).toBe(false);
    expect(authorizeSubscribe(centralGateway, 'parking/+/gate/+/plate').ok).toBe(true);
    expect(authorizeSubscribe(centralGateway, '#').ok).toBe(false);
  });

  it('gives the bureau occupancy, reports and displays read-only', () => {
    expect(authorizeSubscribe(bureau, 'parking/+/occupancy').ok).toBe(true);
    expect(authorizeSubscribe(bureau, 'parking/s9/report/+').ok).toBe(true);
    expect(authorizeSubscribe(bureau, 'parking/+/gate/+/plate').ok).toBe(false);
    expect(authorizeSubscribe(bureau, 'parking/+/#').ok).toBe(false);
  });

  it('refuses malformed filters [MQTT-4.7.1]', () => {
    expect(authorizeSubscribe(gateway, 'parking/s1/#/x')).toEqual({
      ok: false,
      reason: '# must be a whole last level',
    });
    expect(authorizeSubscribe(gateway, 'parking/s1/gate/n+/plate')).toEqual({
      ok: false,
      reason: '+ must be a whole level',
    });
    expect(authorizeSubscribe(gateway, '').ok).toBe(false);
  });
});

describe('filterCovers', () => {
  it('is true only when the requested filter is a subset of the allowed one', () => {
    expect(filterCovers('a/+/c', 'a/b/c')).toBe(true);
    expect(filterCovers('a/+/c', 'a/+/c')).toBe(true);
    expect(filterCovers('a/b/c', 'a/+/c')).toBe(false);
    expect(filterCovers('a/#', 'a')).toBe(true);
    expect(filterCovers('a/#', 'a/+/x/#')).toBe(true);
    expect(filterCovers('a/+', 'a/#')).toBe(false);
    expect(filterCovers('a/+', 'a/b/c')).toBe(false);
    expect(filterCovers('a/b/c', 'a/b')).toBe(false);
  });
});

describe('authorizePayload: a device speaks only for itself', () => {
  const camIn: Identity = { role: 'camera', site: 's1', gate: 'g1', device: 'cam-in' };
  const gatewayUser: Identity = { role: 'gateway', site: '*' };
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  it.each([
    ['its own device id', camIn, json({ deviceId: 'cam-in', lane: 'entry' }), true],
    ['another camera of its gate', camIn, json({ deviceId: 'cam-out', lane: 'exit' }), false],
    ['a number where the id should be', camIn, json({ deviceId: 7 }), false],
    ['no device id (left to the schema check)', camIn, json({ lane: 'exit' }), true],
    ['not JSON (left to the gateway, counted there)', camIn, new TextEncoder().encode('{oops'), true],
    ['a service account (no device binding)', gatewayUser, json({ deviceId: 'cam-out' }), true],
  ] as const)('%s', (_what, identity, payload, ok) => {
    const verdict = authorizePayload(identity, payload);
    expect(verdict.ok).toBe(ok);
    if (!verdict.ok) expect(verdict.reason).toMatch(/camera cam-in .* may only speak for itself/);
  });
});
