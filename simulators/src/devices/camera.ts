import type { Lane, PlateColour, PlatePayload } from '../../../gateway/src/protocol/index.ts';
import { misreadPlate } from '../plates.ts';
import { SimDevice, type SimDeviceOptions } from './sim-device.ts';

export interface CameraOptions extends SimDeviceOptions {
  gate: string;
  /** Share of reads where OCR confuses a character (0/D/Q, 8/B, 2/Z, 5/S, 1/I); confidence drops. */
  misreadRate?: number;
  /** Share of reads where no plate is read at all (empty plate). */
  missRate?: number;
}

/** A plate camera of one gate; it also has a virtual loop (视频虚拟线圈) for lanes without a loop device. */
export class SimCamera extends SimDevice {
  readonly kind = 'camera' as const;
  readonly gate: string;
  misreadRate: number;
  missRate: number;

  constructor(options: CameraOptions) {
    super(options);
    this.gate = options.gate;
    this.misreadRate = options.misreadRate ?? 0;
    this.missRate = options.missRate ?? 0;
  }

  /** What the camera makes of a vehicle in a lane: the payload it publishes. */
  observe(lane: Lane, plate: string, colour: PlateColour): PlatePayload {
    const base = {
      eventId: this.nextEventId(),
      ts: this.clock.now(),
      deviceId: this.deviceId,
      lane,
      cameraId: this.deviceId,
    };
    if (this.random.chance(this.missRate)) {
      return { ...base, plate: '', colour, confidence: round(this.random.next() * 0.2) };
    }
    if (this.random.chance(this.misreadRate)) {
      return {
        ...base,
        plate: misreadPlate(this.random, plate),
        colour,
        confidence: round(0.55 + this.random.next() * 0.3),
      };
    }
    return { ...base, plate, colour, confidence: round(0.92 + this.random.next() * 0.075) };
  }

  async read(lane: Lane, plate: string, colour: PlateColour): Promise<PlatePayload> {
    const payload = this.observe(lane, plate, colour);
    await this.publishEvent(this.topics.build.plate({ site: this.site, gate: this.gate }), payload);
    return payload;
  }

  async loop(lane: Lane, state: 'present' | 'passed' | 'clear'): Promise<void> {
    const payload = { eventId: this.nextEventId(), ts: this.clock.now(), deviceId: this.deviceId, lane, state };
    await this.publishEvent(this.topics.build.loop({ site: this.site, gate: this.gate }), payload);
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
