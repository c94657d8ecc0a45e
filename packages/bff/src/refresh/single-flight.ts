/**
 * Runs at most one task per key at a time within this instance; callers that
 * arrive while it runs share its result. The entry is removed when the task
 * settles, so a failure is not cached.
 */
export function createSingleFlight<T>(): (key: string, task: () => Promise<T>) => Promise<T> {
  const inFlight = new Map<string, Promise<T>>();
  return (key, task) => {
    const running = inFlight.get(key);
    if (running) return running;
    const promise = task().finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  };
}
