import { z } from 'zod';

const Share = z.number().min(0).max(1);

/** Faults the simulated devices commit on demand (all off by default). */
export const SimFaults = z.object({
  /** Plate reads with an OCR confusion (0/D/Q, 8/B, 2/Z, 5/S, 1/I) and a lower confidence. */
  misreadRate: Share.default(0),
  /** Plate reads with no plate at all (empty plate). */
  missRate: Share.default(0),
  /** Device events published twice with the same eventId. */
  duplicateRate: Share.default(0),
  /** Device events held back and delivered after the next one. */
  outOfOrderRate: Share.default(0),
  /** Space changes followed by a burst of flapping reports. */
  flapRate: Share.default(0),
  /** Space sensors that go silent (connected, sending nothing). */
  silentSensorShare: Share.default(0),
  /** Chance per simulated hour that a barrier of the site breaks for 5–20 minutes. */
  barrierFaultPerHour: Share.default(0),
  /** Entries where a second car follows through the same opening without its plate read. */
  tailgateRate: Share.default(0),
  /** Chance per simulated hour that a device loses power (socket destroyed, the will fires) for 2–10 minutes. */
  offlinePerHour: Share.default(0),
});
export type SimFaults = z.infer<typeof SimFaults>;

export const NO_FAULTS: SimFaults = SimFaults.parse({});

/** A little of everything, for a lively demo. */
export const DEMO_FAULTS: SimFaults = SimFaults.parse({
  misreadRate: 0.04,
  missRate: 0.01,
  duplicateRate: 0.01,
  outOfOrderRate: 0.01,
  flapRate: 0.02,
  silentSensorShare: 0.04,
  barrierFaultPerHour: 0.02,
  tailgateRate: 0.005,
  offlinePerHour: 0.02,
});
