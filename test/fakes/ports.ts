/**
 * Ports for unit tests, which fake only the methods a test means to reach: a
 * core function's signature names the ports it takes (`Pick<Deps, …>`), and
 * a fake built here has the port's type while any method left out throws,
 * naming itself, so a test that reaches further than it meant fails loudly.
 */

/** A port of type `T` with `methods`; every other method throws when called. */
export const fakePort = <T extends object>(name: string, methods: Partial<T> = {}): T =>
  new Proxy(methods, {
    get: (target, key) => {
      if (typeof key === 'symbol' || key === 'then' || key in target) return (target as Record<PropertyKey, unknown>)[key];
      return () => { throw new Error(`${name}.${key} must not be reached`); };
    },
  }) as T;
