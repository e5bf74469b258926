/**
 * `load`, run on the first call and shared by every later one; a failed load
 * is tried again next time. For modules a function needs only sometimes (a
 * provider SDK, undici, the article reader): a dynamic import becomes a chunk
 * of its own, loaded on first use instead of at cold start.
 */
export const loadOnce = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  }));
};
