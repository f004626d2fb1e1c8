import { reasonDisplay } from '../domain/gate/reason-catalogue.ts';
import type { TopicKind, TopicParams, TopicPayload } from './topics.ts';

export type TopicExample<K extends TopicKind> = { params: TopicParams<K>; payload: TopicPayload<K> };

const TS = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const RESIDENT_WELCOME = reasonDisplay('ENTRY_RESIDENT', { plate: '京A12345', free: 23 });

/** One valid message per topic: documentation, JSON Schema examples and tests use these. */
export const TOPIC_EXAMPLES: { [K in TopicKind]: TopicExample<K> } = {
  plate: {
    params: { site: 'lvyuan', gate: 'north' },
    payload: {
      eventId: 'cam-n1-000123',
      ts: TS,
      deviceId: 'cam-n1',
      lane: 'entry',
      plate: '京A12345',
      colour: 'blue',
      confidence: 0.97,
      cameraId: 'cam-n1',
    },
  },
  barrierState: {
    params: { site: 'lvyuan', gate: 'north' },
    payload: {
      eventId: 'bar-n1-000045',
      ts: TS + 900,
      deviceId: 'bar-n1',
      lane: 'entry',
      state: 'opened',
      cause: 'command',
      commandId: 'cmd-7f3a',
    },
  },
  loop: {
    params: { site: 'lvyuan', gate: 'north' },
    payload: { eventId: 'loop-n1-000311', ts: TS + 4_000, deviceId: 'loop-n1', lane: 'entry', state: 'passed' },
  },
  payment: {
    params: { site: 'lvyuan', gate: 'south' },
    payload: {
      eventId: 'pay-s1-000078',
      ts: TS + 7_200_000,
      deviceId: 'pay-s1',
      sessionId: 'ses-20260101-0042',
      plate: null,
      amountFen: 1500,
      method: 'wechat',
      terminalId: 'pay-s1',
    },
  },
  spaceState: {
    params: { site: 'lvyuan', space: 'B1-017' },
    payload: { eventId: 'sp-b1-017-009912', ts: TS, deviceId: 'sp-b1-017', occupied: true, battery: 86, signal: -97 },
  },
  deviceStatus: {
    params: { site: 'lvyuan', device: 'cam-n1' },
    payload: { eventId: 'cam-n1-boot-17', ts: TS, deviceId: 'cam-n1', kind: 'camera', online: true, firmware: '2.4.1' },
  },
  barrierCommand: {
    params: { site: 'lvyuan', gate: 'north' },
    payload: {
      commandId: 'cmd-7f3a',
      ts: TS + 120,
      lane: 'entry',
      action: 'open',
      reasonCode: 'ENTRY_RESIDENT',
      sessionId: 'ses-20260101-0042',
      plate: '京A12345',
    },
  },
  display: {
    params: { site: 'lvyuan', gate: 'north' },
    payload: {
      ts: TS + 120,
      lane: 'entry',
      // What the gateway shows for this decision: the reason catalogue's own output.
      lines: RESIDENT_WELCOME.lines,
      ...(RESIDENT_WELCOME.voice ? { voice: RESIDENT_WELCOME.voice } : {}),
      colour: RESIDENT_WELCOME.colour,
      seconds: RESIDENT_WELCOME.seconds,
    },
  },
  occupancy: {
    params: { site: 'lvyuan' },
    payload: {
      site: 'lvyuan',
      ts: TS,
      capacity: 320,
      occupied: 297,
      free: 23,
      status: 'almostFull',
      zones: [
        { id: 'B1', capacity: 200, occupied: 188, free: 12, status: 'almostFull', source: 'sensor' },
        { id: 'ground', capacity: 120, occupied: 109, free: 11, status: 'open', source: 'gate' },
      ],
      freshness: { ts: TS, oldestInputAgeMs: 42_000 },
    },
  },
  report: {
    params: { site: 'lvyuan', period: 'day' },
    payload: {
      site: 'lvyuan',
      siteName: '绿苑小区',
      period: 'day',
      start: TS - 86_400_000,
      end: TS,
      generatedAt: TS + 300_000,
      difficulty: { index: 63.5, level: 'tight' },
      reasons: { zh: '持续占用率95%，饱和9.5小时', en: 'sustained occupancy 95%, 9.5 saturated hours' },
      figures: {
        capacity: 320,
        meanOccupancy: 0.81,
        peakOccupancy: 0.97,
        nightOccupancy: 0.93,
        saturationHours: 9.5,
        overflowHours: 0.5,
        deniedEntryRate: 0.04,
        turnover: 1.7,
        spacesPerHousehold: 0.62,
        sessions: 544,
        revenueFen: 128_500,
        exceptionsPer100: 2.2,
        completeness: 0.99,
      },
      url: '/api/sites/lvyuan/reports/daily/1767139200000',
    },
  },
};
