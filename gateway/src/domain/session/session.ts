import { z } from 'zod';
import { Energy, VehicleClass } from '../registry/registry.schema.ts';
import { CredentialKind } from '../site.ts';

/** One vehicle's stay, entry to exit. `entryAt` null means the exit had no entry record. */
export const Session = z.object({
  id: z.string(),
  site: z.string(),
  plate: z.string(),
  readPlate: z.string().nullable(),
  status: z.enum(['open', 'closed']),
  entryAt: z.number().int().nullable(),
  exitAt: z.number().int().nullable(),
  entryGate: z.string().nullable(),
  exitGate: z.string().nullable(),
  credentialKind: CredentialKind,
  userClass: z.string(),
  vehicleClass: VehicleClass,
  energy: Energy,
  fuzzy: z.boolean(),
  noEntryRecord: z.boolean(),
  manualOpen: z.boolean(),
  visitorUntil: z.number().int().nullable(),
  /** When the pass (or registration) giving `userClass` ends: from then the stay is charged as another class (#26.3). */
  classUntil: z.number().int().nullable(),
  feeFen: z.number().int().nullable(),
  paidFen: z.number().int(),
  breakdown: z.unknown().nullable(),
  closeReason: z.string().nullable(),
});
export type Session = z.infer<typeof Session>;

/** A new open session: what the gate knows at the lane; everything else starts empty. */
export function openSession(
  fields: Pick<
    Session,
    'id' | 'site' | 'plate' | 'readPlate' | 'credentialKind' | 'userClass' | 'vehicleClass' | 'energy'
  > &
    Partial<
      Pick<
        Session,
        | 'entryAt'
        | 'entryGate'
        | 'exitGate'
        | 'fuzzy'
        | 'noEntryRecord'
        | 'visitorUntil'
        | 'classUntil'
        | 'feeFen'
        | 'breakdown'
      >
    >,
): Session {
  return {
    status: 'open',
    entryAt: null,
    exitAt: null,
    entryGate: null,
    exitGate: null,
    fuzzy: false,
    noEntryRecord: false,
    manualOpen: false,
    visitorUntil: null,
    classUntil: null,
    feeFen: null,
    paidFen: 0,
    breakdown: null,
    closeReason: null,
    ...fields,
  };
}

export const PaymentMethod = z.enum(['cash', 'wechat', 'alipay', 'unionpay', 'etc', 'card', 'other']);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

export const Payment = z.object({
  id: z.string(),
  site: z.string(),
  sessionId: z.string().nullable(),
  plate: z.string().nullable(),
  amountFen: z.number().int().positive(),
  method: z.string(),
  source: z.enum(['terminal', 'callback', 'staff']),
  at: z.number().int(),
});
export type Payment = z.infer<typeof Payment>;

export const ExceptionKind = z.enum([
  'fuzzyMatch',
  'ambiguousRead',
  'noPlate',
  'noEntryRecord',
  'barrierFault',
  'visitorOverstay',
  'passback',
  /** A read whose device clock cannot be trusted (more than 5 min off): it opened nothing. */
  'clockSkew',
  /** A read that arrived more than 2 min after it was taken (clock good): it opened nothing. */
  'lateRead',
  /** A device sent an event id it had used before with another payload (its counter reset): decided on its own. */
  'eventIdConflict',
]);
export type ExceptionKind = z.infer<typeof ExceptionKind>;
