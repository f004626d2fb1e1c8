import { createHash } from 'node:crypto';
import type { LedgerPort } from './ports.ts';

/** The digest that tells a redelivery (same payload) from a reused event id (another payload). */
export function payloadDigest(payload: unknown): string {
  return createHash('sha256').update(JSON.stringify(payload)).digest('hex');
}

export interface EventClaim {
  /**
   * `new`: first time; `duplicate`: this payload was applied before (a redelivery); `conflict`: the device used the
   * id before for another payload (its counter reset) and this one is new, kept under an id of its own.
   */
  status: 'new' | 'duplicate' | 'conflict';
  /** The id this payload is kept under: the device's id, or `{id}#{digest}` for a payload that reused one. */
  eventId: string;
}

/**
 * Claims a device event in the current ledger transaction, once per payload: a redelivery is a duplicate, a reused id
 * with another payload is never mistaken for one (nor answered with the first event's outcome), and the conflicting
 * payload's own redelivery is a duplicate of it.
 */
export function claimDeviceEvent(
  ledger: LedgerPort,
  event: { deviceId: string; eventId: string; kind: string; receivedAt: number; digest: string },
): EventClaim {
  const { deviceId, eventId, kind, receivedAt, digest } = event;
  const first = ledger.claimEventOnce(deviceId, eventId, kind, receivedAt, digest);
  if (first !== 'conflict') return { status: first, eventId };
  const own = `${eventId}#${digest.slice(0, 16)}`;
  const again = ledger.claimEventOnce(deviceId, own, kind, receivedAt, digest);
  return { status: again === 'new' ? 'conflict' : 'duplicate', eventId: own };
}
