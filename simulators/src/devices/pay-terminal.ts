import type { PaymentMethod } from '../../../gateway/src/protocol/index.ts';
import { SimDevice, type SimDeviceOptions } from './sim-device.ts';

const ASKS_FOR_PAYMENT = /请缴费|请付费|请支付|应缴|待缴|应付|待付/;
const MONEY = /[¥￥]\s*(\d+(?:\.\d{1,2})?)|(\d+(?:\.\d{1,2})?)\s*元/;

/** The fee a display asks for ("请缴费 12.00元", "应缴 ¥12.5"), in fen; null when it asks for none. */
export function feeShownFen(lines: readonly string[]): number | null {
  if (!lines.some((line) => ASKS_FOR_PAYMENT.test(line))) return null;
  for (const line of lines) {
    const m = MONEY.exec(line);
    const amount = m?.[1] ?? m?.[2];
    if (amount === undefined) continue;
    const [yuan = '0', fen = ''] = amount.split('.');
    const total = Number(yuan) * 100 + Number(fen.padEnd(2, '0'));
    if (total > 0) return total;
  }
  return null;
}

export interface Payment {
  amountFen: number;
  method: PaymentMethod;
  plate: string | null;
  sessionId?: string | null;
}

/** A pay terminal of a gate's exit lane: the driver pays the fee shown. */
export class SimPayTerminal extends SimDevice {
  readonly kind = 'payTerminal' as const;
  readonly gate: string;

  constructor(options: SimDeviceOptions & { gate: string }) {
    super(options);
    this.gate = options.gate;
  }

  async pay(payment: Payment): Promise<string> {
    const eventId = this.nextEventId();
    const payload = {
      eventId,
      ts: this.clock.now(),
      deviceId: this.deviceId,
      sessionId: payment.sessionId ?? null,
      plate: payment.plate,
      amountFen: payment.amountFen,
      method: payment.method,
      terminalId: this.deviceId,
      transactionId: `tx-${eventId}`,
    };
    await this.publishEvent(this.topics.build.payment({ site: this.site, gate: this.gate }), payload);
    return eventId;
  }
}
