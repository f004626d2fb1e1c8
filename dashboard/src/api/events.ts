import { useEffect, useRef, useState } from 'preact/hooks';
import { getAuth } from './auth.ts';
import { noteGatewayTime } from './gateway-time.ts';
import type { LiveEvent, LiveEventKind } from './types.ts';

const KINDS: LiveEventKind[] = ['decision', 'display', 'occupancy', 'session', 'exception', 'barrier', 'audit'];
/** Events no view listens to, read only for the gateway time they carry (sensors report often). */
const CLOCK_ONLY = ['space', 'device', 'payment', 'report'];

type Listener = (event: LiveEvent) => void;

/**
 * One EventSource for the page, shared by every view. EventSource cannot send headers, so the token goes in the query
 * (docs/http-api.md). The staff shell holds a subscription for as long as someone is logged in, so `connected` is the
 * state of the connection on every page. The browser reconnects by itself; `connected` reports the gap to the user.
 */
class LiveStream {
  private source: EventSource | null = null;
  private token: string | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly stateListeners = new Set<(connected: boolean) => void>();
  connected = false;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    this.ensureOpen();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.close();
    };
  }

  onState(listener: (connected: boolean) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  close(): void {
    this.source?.close();
    this.source = null;
    this.token = null;
    this.setConnected(false);
  }

  private ensureOpen(): void {
    const auth = getAuth();
    if (!auth) {
      this.close();
      return;
    }
    if (this.source && this.token === auth.token) return;
    this.close();
    this.token = auth.token;
    const source = new EventSource(`/api/events?token=${encodeURIComponent(auth.token)}`);
    this.source = source;
    source.onopen = () => this.setConnected(true);
    // CONNECTING while the browser retries; CLOSED when the server refused the stream (e.g. the token ran out).
    source.onerror = () => this.setConnected(source.readyState === EventSource.OPEN);
    for (const kind of KINDS) {
      source.addEventListener(kind, (message: MessageEvent<string>) => this.dispatch(kind, message.data));
    }
    for (const kind of CLOCK_ONLY) {
      source.addEventListener(kind, function noteTime(message: MessageEvent<string>) {
        try {
          noteGatewayTime((JSON.parse(message.data) as { at?: unknown }).at);
        } catch {
          // not JSON: nothing to read
        }
      });
    }
    source.onmessage = (message: MessageEvent<string>) => this.dispatchUntyped(message.data);
  }

  private dispatch(kind: LiveEventKind, raw: string): void {
    const event = wireEvent(kind, raw);
    if (!event) return;
    noteGatewayTime(event.data.at);
    for (const listener of this.listeners) listener(event);
  }

  /** Servers that send no `event:` line may put the kind in the data instead. */
  private dispatchUntyped(raw: string): void {
    try {
      const data = JSON.parse(raw) as { kind?: string; type?: string };
      const kind = (data.kind ?? data.type) as LiveEventKind | undefined;
      if (kind && KINDS.includes(kind)) this.dispatch(kind, raw);
    } catch {
      // heartbeats and comments carry no JSON
    }
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    for (const listener of this.stateListeners) listener(connected);
  }
}

export const liveStream = new LiveStream();

/**
 * The event the stream sent: its kind is the SSE event name, its data the gateway's typed event data (one schema,
 * gateway/src/app/live-events.ts) with `site` and `at`. Only the envelope is checked here; the gateway built the rest.
 */
function wireEvent(kind: LiveEventKind, raw: string): LiveEvent | null {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isEnvelope(data)) return null;
  // The one place a live event's type is taken on trust: the gateway sent it from its typed event (the SSE route).
  return { kind, site: data.site, data } as LiveEvent;
}

function isEnvelope(data: unknown): data is { site: string; at: number } {
  return (
    typeof data === 'object' &&
    data !== null &&
    'site' in data &&
    typeof data.site === 'string' &&
    'at' in data &&
    typeof data.at === 'number'
  );
}

/**
 * Call `onEvent` for each live event of `site` whose kind is in `kinds`, and `onResync` each time the stream
 * (re)connects, since events sent while it was down are lost. Handlers are kept in refs, so they may change every
 * render without reconnecting.
 */
export function useLiveEvents(
  site: string | null,
  kinds: LiveEventKind[],
  onEvent: (event: LiveEvent) => void,
  onResync?: () => void,
): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const resync = useRef(onResync);
  resync.current = onResync;
  const kindKey = kinds.join(',');
  useEffect(() => {
    if (!site) return;
    const wanted = new Set(kindKey.split(','));
    const unsubscribe = liveStream.subscribe(function onLiveEvent(event) {
      if (wanted.has(event.kind) && (event.site === site || event.site === '')) handler.current(event);
    });
    const unwatch = liveStream.onState(function onStreamState(connected) {
      if (connected) resync.current?.();
    });
    return () => {
      unwatch();
      unsubscribe();
    };
  }, [site, kindKey]);
}

export function useStreamConnected(): boolean {
  const [connected, setConnected] = useState(liveStream.connected);
  useEffect(() => liveStream.onState(setConnected), []);
  return connected;
}

/** Keep the stream open while mounted (the staff shell), whether or not the page shows live data. */
export function useLiveConnection(token: string): boolean {
  useEffect(() => liveStream.subscribe(function keepOpen() {}), [token]);
  return useStreamConnected();
}
