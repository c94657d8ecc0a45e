import { Resource } from "sst/resource";

/** An environment variable name → the linked SST resource and property that holds its value. */
export type LinkedEnvMap = Readonly<Record<string, readonly [resource: string, property: string]>>;

/**
 * Secrets that SST delivers as links (encrypted into the function bundle and
 * read through `Resource`), under the environment names the config loaders
 * read. A variable already set in the environment wins, so the local platform
 * and tests pass plain values; an unlinked resource is simply absent, and the
 * config loader then names the missing variable.
 *
 * @example
 * loadBffConfig({ ...process.env, ...linkedEnv({ OIDC_CLIENT_SECRET: ["WebClient", "secret"] }) });
 */
export function linkedEnv(map: LinkedEnvMap, env: Record<string, string | undefined> = process.env): Record<string, string> {
  const linked = Resource as unknown as Record<string, Record<string, unknown> | undefined>;
  const out: Record<string, string> = {};
  for (const [name, [resource, property]] of Object.entries(map)) {
    if (env[name]) continue;
    // `in` first: reading a resource that is not linked throws.
    const value = resource in linked ? linked[resource]?.[property] : undefined;
    if (typeof value === "string" && value.length > 0) out[name] = value;
  }
  return out;
}
