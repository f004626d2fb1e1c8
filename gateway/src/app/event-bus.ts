import { EventEmitter } from 'node:events';

export type LiveEventType =
  | 'decision'
  | 'display'
  | 'occupancy'
  | 'session'
  | 'exception'
  | 'barrier'
  | 'audit'
  | 'report'
  | 'payment'
  | 'space'
  | 'device';

export interface LiveEvent {
  type: LiveEventType;
  site: string;
  at: number;
  data: unknown;
}

/** In-process fan-out of live events to the SSE stream and other listeners. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit(event: LiveEvent): void {
    this.emitter.emit('event', event);
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
