import type { Lane } from '../../../gateway/src/protocol/index.ts';
import { SimDevice, type SimDeviceOptions } from './sim-device.ts';

/** A vehicle loop in one lane of a gate: present, passed (the vehicle really went through), clear. */
export class SimLoop extends SimDevice {
  readonly kind = 'loop' as const;
  readonly gate: string;

  constructor(options: SimDeviceOptions & { gate: string }) {
    super(options);
    this.gate = options.gate;
  }

  async loop(lane: Lane, state: 'present' | 'passed' | 'clear'): Promise<void> {
    const payload = { eventId: this.nextEventId(), ts: this.clock.now(), deviceId: this.deviceId, lane, state };
    await this.publishEvent(this.topics.build.loop({ site: this.site, gate: this.gate }), payload);
  }
}
