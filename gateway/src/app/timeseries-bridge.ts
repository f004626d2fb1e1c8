import type { TimeSeriesRecorder } from '../adapters/timeseries/index.ts';
import type { SpaceChange } from '../domain/occupancy/index.ts';
import type { DeviceHealth } from './device-dispatch.ts';
import type { EventBus, LiveEvent } from './event-bus.ts';

type DecisionData = { gate: string; lane: 'entry' | 'exit'; action: string; reason: string; credentialKind?: string };
type PaymentData = { amountFen: number; method: string; userClass: string; vehicleClass: string };

const ACTIONS: Record<string, 'allow' | 'deny' | 'refer'> = {
  open: 'allow',
  deny: 'deny',
  refer: 'refer',
  hold: 'refer',
};

/** Feeds the live events into the time-series recorder (occupancy snapshots are recorded by the gateway's tick). */
export function bridgeTimeSeries(bus: EventBus, recorder: TimeSeriesRecorder): () => void {
  return bus.subscribe(function record(event: LiveEvent): void {
    switch (event.type) {
      case 'decision': {
        const d = event.data as DecisionData;
        recorder.gateDecision({
          site: event.site,
          gate: d.gate,
          lane: d.lane,
          decision: ACTIONS[d.action] ?? 'refer',
          reason: d.reason,
          ...(d.credentialKind ? { class: d.credentialKind } : {}),
          ts: event.at,
        });
        if (d.action === 'open') recorder.gatePassage({ site: event.site, gate: d.gate, lane: d.lane, ts: event.at });
        return;
      }
      case 'payment': {
        const p = event.data as PaymentData;
        recorder.revenue({
          site: event.site,
          amountFen: p.amountFen,
          userClass: p.userClass,
          vehicleClass: p.vehicleClass,
          method: p.method,
          ts: event.at,
        });
        return;
      }
      case 'space':
        recorder.spaceChange(event.data as SpaceChange);
        return;
      case 'device': {
        const h = event.data as DeviceHealth;
        recorder.deviceHealth({
          site: h.site,
          device: h.id,
          kind: h.kind,
          online: h.online,
          ...(h.battery === null ? {} : { battery: h.battery }),
          ...(h.firmware === null ? {} : { firmware: h.firmware }),
          ts: event.at,
        });
        return;
      }
      default:
        return;
    }
  });
}
