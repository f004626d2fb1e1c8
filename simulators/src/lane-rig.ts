import type { Gate } from '../../gateway/src/domain/site.ts';
import type { DisplayPayload, Lane } from '../../gateway/src/protocol/index.ts';
import type { BarrierChange, SimBarrier } from './devices/barrier.ts';
import type { SimCamera } from './devices/camera.ts';
import type { SimDisplay } from './devices/display.ts';
import type { SimLoop } from './devices/loop.ts';
import { feeShownFen, type SimPayTerminal } from './devices/pay-terminal.ts';
import type { SimClock } from './sim-clock.ts';

/** What a driver at the barrier learns from the gateway. */
export type GateOutcome =
  | { kind: 'open' }
  | { kind: 'deny'; lines: string[] }
  | { kind: 'fee'; fen: number; lines: string[] }
  | { kind: 'timeout' };

export interface WaitOptions {
  /** Simulated ms a driver waits for the gate before giving up. */
  simTimeoutMs: number;
  /** The gateway answers in real time: never wait less than this many real ms. */
  minRealMs: number;
}

/** The devices of one lane of a gate, and the queue of vehicles in it. */
export class LaneRig {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly site: string,
    readonly gate: Gate,
    readonly lane: Lane,
    readonly camera: SimCamera,
    readonly barrier: SimBarrier,
    readonly display: SimDisplay,
    readonly loopDevice: SimLoop | null,
    readonly pay: SimPayTerminal | null,
    /** Zones this lane leads to; empty = every zone. */
    readonly zones: readonly string[] = [],
  ) {}

  /** Run `work` when the vehicles ahead in this lane are through. */
  turn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    // The caller owns `run` and its failure; the queue only needs to know it is over, failed or not.
    this.queue = run.then(settled, settled);
    return run;
  }

  /** The loop device of the lane, or the camera's virtual loop where there is none. */
  loop(state: 'present' | 'passed' | 'clear'): Promise<void> {
    return this.loopDevice ? this.loopDevice.loop(this.lane, state) : this.camera.loop(this.lane, state);
  }

  /**
   * Start listening for the gateway's answer; call before the plate is published. Resolves with the barrier
   * opening, a display asking for a fee, a red (refusal) display, or a timeout.
   */
  awaitOutcome(clock: SimClock, options: WaitOptions): Promise<GateOutcome> {
    return new Promise((resolve) => {
      const barrier = this.barrier;
      const display = this.display;
      const lane = this.lane;
      const done = (outcome: GateOutcome) => {
        clearTimeout(timer);
        barrier.off('state', onState);
        display.off('message', onMessage);
        resolve(outcome);
      };
      function onState(change: BarrierChange): void {
        if (change.state === 'opened') done({ kind: 'open' });
      }
      function onMessage(message: DisplayPayload): void {
        if (message.lane !== lane) return;
        const fen = feeShownFen(message.lines);
        if (fen !== null) done({ kind: 'fee', fen, lines: message.lines });
        else if (message.colour === 'red') done({ kind: 'deny', lines: message.lines });
      }
      const timer = setTimeout(
        () => done({ kind: 'timeout' }),
        Math.max(options.minRealMs, clock.toReal(options.simTimeoutMs)),
      );
      barrier.on('state', onState);
      display.on('message', onMessage);
    });
  }
}

function settled(): void {}
