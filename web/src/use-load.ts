import { useCallback, useEffect, useState } from 'react';

/** A loading → data | error state for one async read, reloaded when `key` changes or on `reload()`. */
export type Load<T> = { state: 'loading' } | { state: 'error'; error: Error } | { state: 'ready'; data: T };

export function useLoad<T>(key: string, load: () => Promise<T>): [Load<T>, () => void] {
  const [value, setValue] = useState<Load<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the inputs of `load`.
  useEffect(() => {
    let live = true;
    setValue({ state: 'loading' });
    load().then(
      (data) => live && setValue({ state: 'ready', data }),
      (error: unknown) =>
        live &&
        setValue({ state: 'error', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      live = false;
    };
  }, [key, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return [value, reload];
}
