import { EventEmitter } from 'node:events';
import type { LiveEvent } from './live-events.ts';

export type { LiveEvent, LiveEventData, LiveEventType } from './live-events.ts';

/** In-process fan-out of live events (typed by `LiveEvent`) to the SSE stream, the time series and other listeners. */
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
