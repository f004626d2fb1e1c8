import type { EventBus, LiveEvent, LiveEventData } from './event-bus.ts';
import type { SeriesRecorder } from './ports.ts';

/** How a gate outcome is counted in the series: a hold waits for money, a late read was no decision at the barrier. */
const DECISIONS: Record<LiveEventData<'decision'>['action'], 'allow' | 'deny' | 'refer'> = {
  open: 'allow',
  deny: 'deny',
  refer: 'refer',
  hold: 'refer',
  late: 'refer',
};

/**
 * Feeds the live events into the time-series recorder (occupancy snapshots are recorded by the gateway's tick): every
 * decision with its user class, a passage only where a barrier command went out, and every payment as revenue.
 */
export function bridgeTimeSeries(bus: EventBus, recorder: SeriesRecorder): () => void {
  return bus.subscribe(function record(event: LiveEvent): void {
    switch (event.type) {
      case 'decision': {
        const d = event.data;
        recorder.gateDecision({
          site: event.site,
          gate: d.gate,
          lane: d.lane,
          decision: DECISIONS[d.action],
          reason: d.reason,
          ...(d.userClass ? { class: d.userClass } : {}),
          ...(d.fuzzy ? { fuzzy: true } : {}),
          ts: event.at,
        });
        if (d.opened) recorder.gatePassage({ site: event.site, gate: d.gate, lane: d.lane, ts: event.at });
        return;
      }
      case 'payment': {
        const p = event.data;
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
        recorder.spaceChange(event.data);
        return;
      case 'device': {
        const h = event.data;
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
