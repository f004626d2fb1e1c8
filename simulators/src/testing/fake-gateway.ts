import type { MqttClient } from 'mqtt';
import type { Clock } from '../../../gateway/src/domain/clock.ts';
import { PaymentPayload, PlatePayload, type Topics, topicsFor } from '../../../gateway/src/protocol/index.ts';

export interface FakeGatewayOptions {
  client: MqttClient;
  site: string;
  clock: Clock;
  feeFen?: number;
  /** Plates refused at the entry. */
  refused?: ReadonlySet<string>;
}

/** A tiny gateway stand-in for device tests: opens for every entry, asks every exit for a fixed fee. */
export class FakeGateway {
  readonly entries: string[] = [];
  readonly paid: { plate: string | null; amountFen: number }[] = [];
  /** Publishes that failed (the broker went away, the client was ended): a test can assert there were none. */
  readonly failures: Error[] = [];
  private readonly topics: Topics = topicsFor();
  private commands = 0;
  /** Replies still in flight: a broker callback cannot wait for them, so `stop()` does. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: FakeGatewayOptions) {}

  async start(): Promise<void> {
    const { client, site } = this.options;
    client.on('message', (topic, raw) => this.onMessage(topic, raw));
    await client.subscribeAsync([this.topics.filter('plate', { site }), this.topics.filter('payment', { site })], {
      qos: 1,
    });
  }

  /** Waits for every reply still in flight (call before ending the client, or its end rejects them). */
  async stop(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Sends a reply from a broker callback: kept until it settles, its failure recorded. */
  private reply(publish: Promise<unknown>): void {
    const tracked: Promise<void> = publish.then(
      () => {
        this.inFlight.delete(tracked);
      },
      (err: unknown) => {
        this.inFlight.delete(tracked);
        this.failures.push(err instanceof Error ? err : new Error(String(err)));
      },
    );
    this.inFlight.add(tracked);
  }

  private onMessage(topic: string, raw: Buffer): void {
    const matched = this.topics.match(topic);
    if (!matched || !('gate' in matched.params)) return;
    const gate = matched.params.gate;
    const json = JSON.parse(raw.toString('utf8'));
    if (matched.kind === 'plate') {
      const read = PlatePayload.parse(json);
      if (read.lane === 'entry') {
        if (this.options.refused?.has(read.plate)) {
          this.reply(this.display(gate, 'entry', [read.plate, '禁止通行'], 'red'));
          return;
        }
        this.entries.push(read.plate);
        this.reply(this.display(gate, 'entry', [read.plate, '欢迎回家'], 'green'));
        this.reply(this.open(gate, 'entry', read.plate));
      } else {
        const fen = this.options.feeFen ?? 500;
        this.reply(this.display(gate, 'exit', [read.plate, `请缴费 ${(fen / 100).toFixed(2)}元`], 'yellow'));
      }
    } else if (matched.kind === 'payment') {
      const payment = PaymentPayload.parse(json);
      this.paid.push({ plate: payment.plate, amountFen: payment.amountFen });
      this.reply(this.display(gate, 'exit', [payment.plate ?? '', '一路顺风'], 'green'));
      this.reply(this.open(gate, 'exit', payment.plate));
    }
  }

  private display(gate: string, lane: 'entry' | 'exit', lines: string[], colour: 'green' | 'red' | 'yellow') {
    const payload = { ts: this.options.clock.now(), lane, lines, colour, seconds: 10 };
    return this.options.client.publishAsync(
      this.topics.build.display({ site: this.options.site, gate }),
      JSON.stringify(payload),
      { qos: 1 },
    );
  }

  private open(gate: string, lane: 'entry' | 'exit', plate: string | null) {
    const payload = {
      commandId: `fake-${++this.commands}`,
      ts: this.options.clock.now(),
      lane,
      action: 'open',
      reasonCode: 'fake',
      sessionId: null,
      plate,
    };
    return this.options.client.publishAsync(
      this.topics.build.barrierCommand({ site: this.options.site, gate }),
      JSON.stringify(payload),
      { qos: 1 },
    );
  }
}
