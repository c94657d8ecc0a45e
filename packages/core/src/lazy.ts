/**
 * Builds a value on first use and keeps it for the life of the instance.
 * Concurrent first calls share one build; a build that fails is not kept, so
 * the next call tries again (an IdP or KMS outage at cold start must not
 * poison a warm instance). Every adapter of a function is built through this.
 *
 * @example
 * const client = lazy(async () => new (await import("@aws-sdk/client-kms")).KMSClient({}));
 * await client(); // built once
 */
export function lazy<T>(build: () => T | Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= Promise.resolve()
      .then(build)
      .catch((error: unknown) => {
        value = undefined;
        throw error;
      });
    return value;
  };
}

/** An interface whose every member is a method returning a promise. */
export type AsyncService<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

/**
 * A service object whose methods wait for {@link lazy}'s build and then
 * delegate to it, so the code that uses the service receives the plain
 * interface and never a builder. Only for interfaces of async methods.
 *
 * @example
 * const sealer: Sealer = lazyService(async () => createSealer(await keyProvider()));
 */
export function lazyService<T extends AsyncService<T>>(build: () => T | Promise<T>): T {
  const instance = lazy(build);
  const methods = new Map<PropertyKey, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy({} as T, {
    get(_target, name) {
      if (typeof name !== "string") return undefined;
      let method = methods.get(name);
      if (!method) {
        method = async (...args: unknown[]) => {
          const target = (await instance()) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
          const member = target[name];
          if (typeof member !== "function") throw new TypeError(`${name} is not a method of the lazy service`);
          return member.apply(target, args);
        };
        methods.set(name, method);
      }
      return method;
    },
  });
}
