import { readFile } from "node:fs/promises";
import { m2mClient } from "@spa-bff/core/infra";
import type { M2mClientOptions } from "../client/m2m-client.ts";

/** The local platform's defaults (see `npm start`). */
export const localDefaults = {
  issuer: "http://127.0.0.1:3001",
  clientId: "localm2mclient",
  apiBaseUrl: "http://127.0.0.1:3002/local",
  // What the stacks give the M2M client; Cognito refuses any other scope (invalid_scope).
  scope: m2mClient.scopes.join(" "),
} as const;

/** A parsed command line: `GET /items`, `POST /items '{"title":"x"}'`. */
export interface CliCommand {
  method: string;
  path: string;
  body?: unknown;
}

/** Parses `<METHOD> <PATH> [JSON body]`; throws a usage message otherwise. */
export function parseCliArgs(args: readonly string[]): CliCommand {
  const [method, path, body, ...rest] = args;
  const usage = "Usage: npm run m2m -- <METHOD> <PATH> [JSON body]   e.g. npm run m2m -- GET /items";
  if (method === undefined || path === undefined || rest.length > 0 || !/^[A-Za-z]+$/.test(method) || !path.startsWith("/")) {
    throw new Error(usage);
  }
  if (body === undefined) return { method: method.toUpperCase(), path };
  try {
    return { method: method.toUpperCase(), path, body: JSON.parse(body) };
  } catch {
    throw new Error(`The body must be JSON. ${usage}`);
  }
}

/**
 * Client options from the environment, falling back to the local platform:
 * the secret comes from `M2M_CLIENT_SECRET` or the `.local/clients.json`
 * file that `npm start` writes.
 */
export async function resolveCliOptions(env: Record<string, string | undefined>, clientsFile: string | URL): Promise<M2mClientOptions> {
  let fromFile: { clientId?: unknown; clientSecret?: unknown } = {};
  if (env.M2M_CLIENT_SECRET === undefined) {
    try {
      const parsed: unknown = JSON.parse(await readFile(clientsFile, "utf8"));
      const m2m = typeof parsed === "object" && parsed !== null ? (parsed as { m2m?: unknown }).m2m : undefined;
      if (typeof m2m === "object" && m2m !== null) fromFile = m2m as typeof fromFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`Cannot read ${String(clientsFile)}`, { cause: error });
    }
  }
  const clientSecret = env.M2M_CLIENT_SECRET ?? (typeof fromFile.clientSecret === "string" ? fromFile.clientSecret : undefined);
  if (clientSecret === undefined || clientSecret === "") {
    throw new Error(
      "No M2M client secret: set M2M_CLIENT_SECRET, or start the local platform (npm start) so it writes .local/clients.json",
    );
  }
  const timeout = env.UPSTREAM_TIMEOUT_MS === undefined ? undefined : Number(env.UPSTREAM_TIMEOUT_MS);
  return {
    issuer: env.OIDC_ISSUER ?? localDefaults.issuer,
    clientId: env.M2M_CLIENT_ID ?? (typeof fromFile.clientId === "string" ? fromFile.clientId : localDefaults.clientId),
    clientSecret,
    scope: env.M2M_SCOPES ?? localDefaults.scope,
    apiBaseUrl: env.API_BASE_URL ?? localDefaults.apiBaseUrl,
    ...(timeout !== undefined && Number.isInteger(timeout) && timeout > 0 ? { timeoutMs: timeout } : {}),
  };
}
