import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export type Resource<T> = {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
  setData: (data: T) => void;
};

/** Load data when the deps change; `reload()` fetches again keeping the old data on screen meanwhile. */
export function useResource<T>(load: (() => Promise<T>) | null, deps: unknown[]): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(load !== null);
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;

  useEffect(() => {
    const run = loader.current;
    if (!run) return;
    let live = true;
    setLoading(true);
    run().then(
      function loaded(value) {
        if (!live) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      function failed(reason: unknown) {
        if (!live) return;
        setError(reason instanceof Error ? reason : new Error(String(reason)));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload, setData };
}

/** Coalesce bursts of calls (a stream of live events) into one call at most every `ms`. */
export function useThrottle(fn: () => void, ms: number): () => void {
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => () => clearTimeout(pending.current), []);
  return useCallback(() => {
    if (pending.current !== undefined) return;
    pending.current = setTimeout(function flush() {
      pending.current = undefined;
      latest.current();
    }, ms);
  }, [ms]);
}

/** Re-render every `ms` (clocks, "x seconds ago"). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(function tick() {
      setNow(Date.now());
    }, ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
