import { linkedEnv } from "@spa-bff/core";

/**
 * The BFF's environment in Lambda: what SST sets, plus the secrets, which
 * arrive as SST links and never as plain environment: the web client's
 * secret and the stage's identifier key (stacks/secrets.ts).
 */
export function lambdaEnv(): Record<string, string | undefined> {
  return {
    ...process.env,
    ...linkedEnv({ OIDC_CLIENT_SECRET: ["WebClient", "secret"], IDENTIFIER_HASH_KEY: ["IdentifierHashKey", "value"] }),
  };
}
