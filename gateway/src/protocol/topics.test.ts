import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TOPIC_EXAMPLES } from './examples.ts';
import { createTopics, TOPIC_KINDS, type TopicKind, type TopicParams, topics } from './topics.ts';

describe('topic builders and matchers', () => {
  it('build then match round-trips every topic kind', () => {
    for (const kind of TOPIC_KINDS) {
      const params = TOPIC_EXAMPLES[kind].params as TopicParams<TopicKind>;
      const topic = (topics.build[kind] as (p: TopicParams<TopicKind>) => string)(params);
      expect(topics.match(topic)).toEqual({ kind, params });
    }
  });

  it('builds the paths of DESIGN §3', () => {
    expect(topics.build.plate({ site: 's1', gate: 'g1' })).toBe('parking/s1/gate/g1/plate');
    expect(topics.build.barrierState({ site: 's1', gate: 'g1' })).toBe('parking/s1/gate/g1/barrier/state');
    expect(topics.build.barrierCommand({ site: 's1', gate: 'g1' })).toBe('parking/s1/gate/g1/barrier/command');
    expect(topics.build.spaceState({ site: 's1', space: 'A-01' })).toBe('parking/s1/space/A-01/state');
    expect(topics.build.deviceStatus({ site: 's1', device: 'cam_1' })).toBe('parking/s1/device/cam_1/status');
    expect(topics.build.occupancy({ site: 's1' })).toBe('parking/s1/occupancy');
    expect(topics.build.report({ site: 's1', period: 'month' })).toBe('parking/s1/report/month');
  });

  it('round-trips any valid ids (property)', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
    fc.assert(
      fc.property(id, id, function roundTrip(site, gate) {
        expect(topics.match(topics.build.display({ site, gate }))).toEqual({ kind: 'display', params: { site, gate } });
      }),
    );
  });

  it('refuses ids that could be wildcards or separators, with a stable code', () => {
    for (const gate of ['', '+', '#', 'a/b', 'a b', 'x'.repeat(65), '北门']) {
      expect(() => topics.build.plate({ site: 's1', gate })).toThrow(
        expect.objectContaining({ code: 'ERR_PROTOCOL_BAD_ID' }),
      );
    }
    expect(() => topics.build.report({ site: 's1', period: 'year' as 'day' })).toThrow(/period/);
  });

  it('matches nothing outside the protocol', () => {
    for (const t of [
      'parking',
      'parking/s1',
      'other/s1/occupancy',
      'parking/s1/gate/g1',
      'parking/s1/gate/g1/plate/extra',
      'parking/s+/occupancy',
      'parking/s1/gate/+/plate',
      'parking/s1/report/year',
      '$SYS/broker/heartbeat',
      `parking/s1/gate/${'g'.repeat(600)}/plate`,
    ]) {
      expect(topics.match(t), t).toBeNull();
    }
  });

  it('supports another root, also with several levels', () => {
    const t = createTopics('acme/parking');
    const topic = t.build.occupancy({ site: 'x' });
    expect(topic).toBe('acme/parking/x/occupancy');
    expect(t.match(topic)).toEqual({ kind: 'occupancy', params: { site: 'x' } });
    expect(t.match('parking/x/occupancy')).toBeNull();
    expect(() => createTopics('bad/#')).toThrow(expect.objectContaining({ code: 'ERR_PROTOCOL_BAD_ROOT' }));
  });

  it('builds subscription filters with + for the params left out', () => {
    expect(topics.filter('plate')).toBe('parking/+/gate/+/plate');
    expect(topics.filter('plate', { site: 's1' })).toBe('parking/s1/gate/+/plate');
    expect(topics.filter('report', { site: 's1' })).toBe('parking/s1/report/+');
  });
});
