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
const schema = z.object({
  CODE_SENDER_EMAIL: z.email({ error: "the verified SES sender address" }),
  AWS_REGION: z.string({ error: "AWS region" }).check(z.minLength(1, "AWS region")),
  SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
});

/**
 * Reads `CODE_SENDER_EMAIL`, `AWS_REGION` and optionally
 * `SES_CONFIGURATION_SET`; throws one `ConfigError` naming every problem.
 */
export function loadAuthChallengeConfig(env: Record<string, string | undefined>): AuthChallengeConfig {
  const parsed = parseConfig(schema, env, "auth-challenge");
  return {
    senderEmail: parsed.CODE_SENDER_EMAIL,
    region: parsed.AWS_REGION,
    ...(parsed.SES_CONFIGURATION_SET ? { configurationSetName: parsed.SES_CONFIGURATION_SET } : {}),
  };
}
