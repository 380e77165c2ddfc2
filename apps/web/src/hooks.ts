import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  reload(): void;
}

/**
 * Loads `load()` when `key` changes and, with `pollMs`, again every `pollMs` while `keepPolling`
 * says so (a running sweep, not a finished one). The last good data stays while a reload runs.
 */
export function useLoad<T>(key: string, load: () => Promise<T>, pollMs?: number, keepPolling: (data: T) => boolean = () => true): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const loadRef = useRef(load);
  loadRef.current = load;
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const data = await loadRef.current();
        if (cancelled) return;
        setState({ data, loading: false });
        if (pollMs !== undefined && keepPolling(data)) timer = setTimeout(run, pollMs);
      } catch (err) {
        if (cancelled) return;
        setState((s) => ({ ...s, error: err as Error, loading: false }));
      }
    };
    setState((s) => ({ ...s, loading: true }));
    void run();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
    // keepPolling is read on each result; key and tick decide when to start over.
  }, [key, tick, pollMs]);

  return { ...state, reload };
}
