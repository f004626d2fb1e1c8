import type { OccupancyEngine } from '../domain/occupancy/index.ts';
import type { Site } from '../domain/site.ts';
import type { ParsedMessage } from '../protocol/index.ts';
import type { EventBus } from './event-bus.ts';
import { payloadDigest } from './event-claims.ts';
import type { DeviceHealth } from './live-events.ts';

export type { DeviceHealth } from './live-events.ts';

import type { GateService } from './gate-service.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { LedgerPort } from './ports.ts';

export interface BarrierView {
  state: 'opened' | 'closed' | 'fault';
  cause: string;
  at: number;
}

/** Routes every parsed device message to the service that owns it. */
export class DeviceDispatch {
  readonly devices = new Map<string, DeviceHealth>();
  readonly barriers = new Map<string, BarrierView>();
  private readonly openCounts = new Map<string, number>();
  private readonly bindings = new Map<string, Map<string, Set<string>>>();

  constructor(
    private readonly deps: {
      gate: GateService;
      ledger: LedgerPort;
      occupancy: OccupancyEngine;
      metrics: Metrics;
      bus: EventBus;
      log: Logger;
      onOccupancyChange(site: string): void;
    },
  ) {}

  private seen(site: string, id: string, kind: string, at: number, patch: Partial<DeviceHealth> = {}): void {
    const key = `${site}/${id}`;
    const prev = this.devices.get(key);
    const next: DeviceHealth = {
      id,
      site,
      kind: patch.kind ?? prev?.kind ?? kind,
      online: patch.online ?? true,
      lastSeenAt: at,
      battery: patch.battery ?? prev?.battery ?? null,
      firmware: patch.firmware ?? prev?.firmware ?? null,
    };
    this.devices.set(key, next);
    // Health changes (not every heartbeat) go to the live stream and the time series.
    if (!prev || prev.online !== next.online || prev.battery !== next.battery || prev.firmware !== next.firmware) {
      this.deps.bus.emit({ type: 'device', site, at, data: next });
    }
  }

  /** Is the device the payload names one the config puts behind this topic? The broker checks topics, not payloads. */
  /**
   * Is the device the payload names one the config puts behind this topic? The broker checks topics (and that an
   * event names its sender); this checks the configuration. Returns null when bound, else what was sent and expected.
   */
  private unbound(message: ParsedMessage): { sent: string; expected: string[] } | null {
    const params = message.params as Record<string, string>;
    const device =
      message.kind === 'deviceStatus' ? message.params.device : (message.payload as { deviceId: string }).deviceId;
    const site = this.deps.gate.site(message.params.site);
    if (!site) return { sent: device, expected: [] };
    let bindings = this.bindings.get(site.id);
    if (!bindings) {
      bindings = bindingsOf(site);
      this.bindings.set(site.id, bindings);
    }
    const at = params.gate ?? params.space ?? '';
    const allowed = bindings.get(`${message.kind}/${at}`);
    return allowed?.has(device) ? null : { sent: device, expected: [...(allowed ?? [])] };
  }

  async dispatch(message: ParsedMessage, receivedAt: number): Promise<void> {
    const { gate, ledger, occupancy, metrics } = this.deps;
    metrics.inc('gateway_messages_total', { kind: message.kind });
    const unbound = this.unbound(message);
    if (unbound) {
      // A spoofed or unconfigured device id: it would grow the device table and claim other devices' event ids.
      // The log says which id came and which the config expects there (a vendor's usual mistake: the broker
      // username `{site}-{device}` sent as the payload's deviceId, which is the bare config id).
      metrics.inc('gateway_rejected_total', { reason: 'wrong-device' });
      this.deps.log.warn(
        {
          site: message.params.site,
          kind: message.kind,
          deviceId: unbound.sent.slice(0, 64),
          expected: unbound.expected.slice(0, 10),
        },
        'payload names a device not on its topic',
      );
      return;
    }
    switch (message.kind) {
      case 'plate': {
        this.seen(message.params.site, message.payload.deviceId, 'camera', receivedAt);
        await gate.onPlate({
          site: message.params.site,
          gate: message.params.gate,
          payload: message.payload,
          receivedAt,
        });
        return;
      }
      case 'payment': {
        const p = message.payload;
        this.seen(message.params.site, p.deviceId, 'payTerminal', receivedAt);
        const result = await gate.onPayment({
          site: message.params.site,
          payment: {
            sessionId: p.sessionId,
            plate: p.plate,
            amountFen: p.amountFen,
            method: p.method,
            // Namespaced per terminal, so no device can claim the id of an online callback or another terminal.
            paymentId: `terminal/${p.deviceId}/${p.transactionId ?? p.eventId}`,
            source: 'terminal',
          },
          at: gate.eventTime(p.ts, receivedAt, message.params.site),
          claim: {
            deviceId: p.deviceId,
            eventId: p.eventId,
            digest: payloadDigest(p),
          },
        });
        if (!result.ok) this.deps.log.warn({ site: message.params.site, reason: result.reason }, 'payment not applied');
        return;
      }
      case 'spaceState': {
        const p = message.payload;
        const site = message.params.site;
        ledger.unsynced(() => {
          this.seen(site, p.deviceId, 'spaceSensor', receivedAt, p.battery === undefined ? {} : { battery: p.battery });
          // No idempotency key for readings: the engine ignores a reading no newer than the last one of its space, so a
          // duplicate changes nothing, and a redelivery after a crash is applied to the restored state as it should be.
          const at = gate.eventTime(p.ts, receivedAt, site);
          const result = occupancy.applyReading({ site, space: message.params.space, occupied: p.occupied, ts: at });
          if (!result.ok) {
            metrics.inc('gateway_rejected_total', { reason: `space-${result.reason}` });
            return;
          }
          if (result.change) {
            this.deps.bus.emit({ type: 'space', site, at, data: result.change });
            this.deps.onOccupancyChange(site);
          }
        });
        return;
      }
      case 'deviceStatus': {
        const p = message.payload;
        const site = message.params.site;
        // A camera's status is evidence of its clock (a will's ts is its connect time: no evidence).
        if (p.online && p.kind === 'camera') gate.observeClock(site, message.params.device, p.ts, receivedAt);
        // Health telemetry, like readings: a mass reconnect must not cost an fsync per device.
        ledger.unsynced(() => {
          this.seen(site, message.params.device, p.kind, receivedAt, {
            online: p.online,
            firmware: p.firmware,
            kind: p.kind,
            ...(p.battery === undefined ? {} : { battery: p.battery }),
          });
          // A will's ts is its connect time, so "offline since" is when we heard it (protocol docs).
          const result = occupancy.applyStatus({
            site,
            device: message.params.device,
            online: p.online,
            ts: p.online ? gate.eventTime(p.ts, receivedAt, site) : receivedAt,
          });
          if (result.ok && result.change) {
            this.deps.bus.emit({ type: 'space', site, at: receivedAt, data: result.change });
            this.deps.onOccupancyChange(site);
          }
        });
        return;
      }
      case 'barrierState': {
        const p = message.payload;
        const site = message.params.site;
        this.seen(site, p.deviceId, 'barrier', receivedAt);
        const at = gate.eventTime(p.ts, receivedAt, site);
        this.barriers.set(`${site}/${message.params.gate}/${p.lane}`, { state: p.state, cause: p.cause, at });
        this.deps.bus.emit({
          type: 'barrier',
          site,
          at,
          data: { gate: message.params.gate, lane: p.lane, state: p.state, cause: p.cause },
        });
        if (p.state === 'fault' && ledger.claimEvent(p.deviceId, p.eventId, 'barrier', receivedAt)) {
          const id = ledger.raiseException({
            site,
            at,
            kind: 'barrierFault',
            gate: message.params.gate,
            lane: p.lane,
            plate: null,
            readPlate: null,
            sessionId: null,
            detail: { cause: p.cause, device: p.deviceId },
          });
          this.deps.bus.emit({
            type: 'exception',
            site,
            at,
            data: {
              status: 'open',
              id,
              kind: 'barrierFault',
              gate: message.params.gate,
              lane: p.lane,
              plate: null,
              readPlate: null,
              sessionId: null,
            },
          });
          metrics.inc('gateway_barrier_faults_total', { site });
        }
        if (p.state === 'opened') this.openCounts.set(`${site}/${message.params.gate}/${p.lane}`, 0);
        return;
      }
      case 'loop': {
        const p = message.payload;
        const site = message.params.site;
        this.seen(site, p.deviceId, 'loop', receivedAt);
        gate.observeClock(site, p.deviceId, p.ts, receivedAt);
        if (p.state !== 'passed') return;
        const key = `${site}/${message.params.gate}/${p.lane}`;
        const passed = (this.openCounts.get(key) ?? 0) + 1;
        this.openCounts.set(key, passed);
        // Two vehicles through one opening (跟车): the second one has no decision behind it.
        if (passed === 2 && ledger.claimEvent(p.deviceId, p.eventId, 'loop', receivedAt)) {
          metrics.inc('gateway_tailgating_total', { site });
          ledger.raiseException({
            site,
            at: gate.eventTime(p.ts, receivedAt, site),
            kind: 'noPlate',
            gate: message.params.gate,
            lane: p.lane,
            plate: null,
            readPlate: null,
            sessionId: null,
            detail: { tailgating: true, device: p.deviceId },
          });
        }
        return;
      }
      default:
        metrics.inc('gateway_rejected_total', { reason: 'not-for-gateway' });
    }
  }
}

/** `kind/gate` or `kind/space` → the configured devices that may send it; `deviceStatus/` → every device. */
function bindingsOf(site: Site): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (key: string, id: string | null | undefined) => {
    if (!id) return;
    let set = out.get(key);
    if (!set) {
      set = new Set();
      out.set(key, set);
    }
    set.add(id);
  };
  for (const gate of site.gates) {
    for (const lane of gate.lanes) {
      add(`plate/${gate.id}`, lane.camera);
      add(`loop/${gate.id}`, lane.loop);
      add(`loop/${gate.id}`, lane.camera);
      add(`barrierState/${gate.id}`, lane.barrier);
      add(`payment/${gate.id}`, lane.payTerminal);
      for (const id of [lane.camera, lane.barrier, lane.display, lane.loop, lane.payTerminal]) add('deviceStatus/', id);
    }
  }
  for (const zone of site.zones) {
    for (const space of zone.spaces) {
      add(`spaceState/${space.id}`, space.sensor);
      add('deviceStatus/', space.sensor);
    }
  }
  return out;
}
