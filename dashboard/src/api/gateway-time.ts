import { useEffect, useState } from 'preact/hooks';

/**
 * The gateway's clock as the dashboard last saw it. In the demo it runs accelerated, so the browser's clock cannot
 * stand in for it: every live event carries the gateway's `at`, and snapshots carry their `ts`.
 */
let latest: number | null = null;
const listeners = new Set<(at: number) => void>();

/** Record a gateway time seen in an event or a reply; only later times move the clock on. */
export function noteGatewayTime(at: unknown): void {
  if (typeof at !== 'number' || !Number.isFinite(at) || (latest !== null && at <= latest)) return;
  latest = at;
  for (const listener of listeners) listener(at);
}

/** The latest gateway time seen, or null before any. */
export function gatewayTime(): number | null {
  return latest;
}

export function onGatewayTime(listener: (at: number) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Re-render with the latest gateway time seen. */
export function useGatewayTime(): number | null {
  const [at, setAt] = useState(latest);
  useEffect(() => {
    setAt(latest);
    return onGatewayTime(setAt);
  }, []);
  return at;
}

/** "Now" for form defaults: the gateway's time, or the browser's before the gateway has said any. */
export function useGatewayNow(): number {
  return useGatewayTime() ?? Date.now();
}
