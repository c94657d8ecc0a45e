import { parseConfig } from "@spa-bff/core";
import * as z from "zod/mini";

/** Configuration of the Create trigger in AWS, parsed once by {@link loadAuthChallengeConfig}. */
export interface AuthChallengeConfig {
  /** The verified SES identity codes are sent from. */
  senderEmail: string;
  region: string;
  /** An SES configuration set, if the stage tracks bounces. */
  configurationSetName?: string;
}

// zod/mini rather than classic zod: the same checks for a fraction of the bundle each Cognito trigger ships.
const createSchema = z.object({
  CODE_SENDER_EMAIL: z.email({ error: "the verified SES sender address" }),
  AWS_REGION: z.string({ error: "AWS region" }).check(z.minLength(1, "AWS region")),
  SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
});

/**
 * Reads `CODE_SENDER_EMAIL`, `AWS_REGION` and optionally
 * `SES_CONFIGURATION_SET`; throws one `ConfigError` naming every problem.
 */
export function loadAuthChallengeConfig(env: Record<string, string | undefined>): AuthChallengeConfig {
  const parsed = parseConfig(createSchema, env, "auth-challenge");
  return {
    senderEmail: parsed.CODE_SENDER_EMAIL,
    region: parsed.AWS_REGION,
    ...(parsed.SES_CONFIGURATION_SET ? { configurationSetName: parsed.SES_CONFIGURATION_SET } : {}),
  };
}

/** Configuration of the Pre Token Generation trigger, parsed once by {@link loadPreTokenConfig}. */
export interface PreTokenConfig {
  /** The resource-server scopes to add to access tokens from API sign-ins, e.g. `["items/read", "items/write"]`. */
  scopes: readonly string[];
  /**
   * The app clients whose sign-ins get them, or `"*"` for every client of the
   * pool (stated explicitly: see {@link loadPreTokenConfig}).
   */
  clientIds: readonly string[] | "*";
}

// `<resource server identifier>/<scope name>`: only custom scopes, so OpenID scopes or
// `aws.cognito.signin.user.admin` can never be granted through this list.
const customScope = /^[\x21\x23-\x5b\x5d-\x7e]+\/[\x21\x23-\x5b\x5d-\x7e]+$/;
// Cognito's app client id pattern ([\w+]+, at most 128 characters).
const clientId = /^[\w+]{1,128}$/;

const preTokenSchema = z.object({
  TOKEN_SCOPES: z.string({ error: 'space-separated resource-server scopes, e.g. "items/read items/write"' }).check(
    z.refine((value) => {
      const scopes = value.split(" ").filter(Boolean);
      return scopes.length > 0 && scopes.every((scope) => customScope.test(scope));
    }, 'space-separated resource-server scopes of the form "<resource>/<scope>", e.g. "items/read items/write"'),
  ),
  TOKEN_SCOPES_CLIENT_IDS: z.string({ error: 'comma-separated app client ids, or "*" for every client of the pool' }).check(
    z.refine((value) => {
      if (value === "*") return true;
      const ids = value.split(",").map((id) => id.trim());
      return ids.length > 0 && ids.every((id) => clientId.test(id));
    }, 'comma-separated app client ids, or "*" for every client of the pool'),
  ),
});

/**
 * Reads `TOKEN_SCOPES` (space-separated, each `<resource>/<scope>`) and
 * `TOKEN_SCOPES_CLIENT_IDS`; throws one `ConfigError` naming every problem.
 *
 * The client list is required, and "every client" must be said with `*`:
 * the stacks cannot pass the web client's id without a cycle (the pool needs
 * the trigger, the trigger would need the client, the client needs the pool),
 * so they state `*` for a pool whose only user-facing client is the web
 * client, while the local platform names the client.
 */
export function loadPreTokenConfig(env: Record<string, string | undefined>): PreTokenConfig {
  const parsed = parseConfig(preTokenSchema, env, "pre-token-generation");
  const clientIds = parsed.TOKEN_SCOPES_CLIENT_IDS === "*" ? "*" : parsed.TOKEN_SCOPES_CLIENT_IDS.split(",").map((id) => id.trim());
  return { scopes: [...new Set(parsed.TOKEN_SCOPES.split(" ").filter(Boolean))], clientIds };
}
