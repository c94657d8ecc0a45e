import { linkedEnv } from "@spa-bff/core";

/**
 * The BFF's environment in Lambda: what SST sets, plus the web client's
 * secret, which arrives as an SST link and never as plain environment.
 */
export function lambdaEnv(): Record<string, string | undefined> {
  return { ...process.env, ...linkedEnv({ OIDC_CLIENT_SECRET: ["WebClient", "secret"] }) };
}
