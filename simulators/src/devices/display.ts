import type { MqttClient } from 'mqtt';
import { DisplayPayload, type Lane } from '../../../gateway/src/protocol/index.ts';
import { SimDevice, type SimDeviceOptions } from './sim-device.ts';

export const LANE_LABELS: Record<Lane, string> = { entry: '入口', exit: '出口' };

export interface DisplayOptions extends SimDeviceOptions {
  gate: string;
  /** The lane this panel faces; null = both lanes of the gate. */
  lane: Lane | null;
  /** Gate name for log lines, e.g. 北门. */
  gateName?: string;
  /** Called with a line per message, e.g. `[北门 入口] 京A12345 | 欢迎回家 | 余位 23`. */
  print?: (line: string) => void;
}

/** An LED panel: prints what the gateway tells it and keeps the last message per lane. */
export class SimDisplay extends SimDevice {
  readonly kind = 'display' as const;
  readonly gate: string;
  readonly lane: Lane | null;
  private readonly gateName: string;
  private readonly print: ((line: string) => void) | undefined;
  private readonly lastByLane = new Map<Lane, DisplayPayload>();
  received = 0;

  constructor(options: DisplayOptions) {
    super(options);
    this.gate = options.gate;
    this.lane = options.lane;
    this.gateName = options.gateName ?? options.gate;
    this.print = options.print;
  }

  protected override async onConnected(client: MqttClient): Promise<void> {
    const topic = this.topics.build.display({ site: this.site, gate: this.gate });
    client.on('message', (received, payload) => {
      if (received === topic) this.onMessage(payload);
    });
    const granted = await client.subscribeAsync(topic, { qos: 1 });
    if (granted.some((g) => g.qos === 128)) throw new Error(`${this.deviceId}: subscription to ${topic} refused`);
  }

  private onMessage(raw: Buffer): void {
    let parsed: ReturnType<typeof DisplayPayload.safeParse>;
    try {
      parsed = DisplayPayload.safeParse(JSON.parse(raw.toString('utf8')));
    } catch {
      return;
    }
    if (!parsed.success) return;
    const message = parsed.data;
    if (this.lane !== null && message.lane !== this.lane) return;
    this.received++;
    this.lastByLane.set(message.lane, message);
    this.print?.(this.format(message));
    this.emit('message', message);
  }

  /** The last message shown for a lane (default: the panel's own lane). */
  last(lane: Lane | null = this.lane): DisplayPayload | null {
    if (lane !== null) return this.lastByLane.get(lane) ?? null;
    return this.lastByLane.get('entry') ?? this.lastByLane.get('exit') ?? null;
  }

  format(message: DisplayPayload): string {
    return `[${this.gateName} ${LANE_LABELS[message.lane]}] ${message.lines.join(' | ')}`;
  }
}
