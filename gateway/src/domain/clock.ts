/** The only way the domain learns the time: epoch milliseconds, injected by the composition root. */
export interface Clock {
  now(): number;
}

/** A clock a test or a simulator moves by hand. */
export class ManualClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  set(epochMs: number): void {
    this.current = epochMs;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
