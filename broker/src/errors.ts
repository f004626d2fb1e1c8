export type BrokerErrorCode =
  | 'ERR_BROKER_CREDENTIALS'
  | 'ERR_BROKER_CONFIG'
  | 'ERR_BROKER_DEMO_PLAN'
  | 'ERR_BROKER_REDIS';

/** A broker fault with a stable code. */
export class BrokerError extends Error {
  constructor(
    readonly code: BrokerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BrokerError';
  }
}
