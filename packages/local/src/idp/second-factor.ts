import {
  type CodeSender,
  createCreateAuthChallenge,
  createDefineAuthChallenge,
  createLocalCustomAuth,
  createVerifyAuthChallenge,
  type LocalCustomAuth,
} from "@spa-bff/auth-challenge";
import type { Logger } from "@spa-bff/core";
import type { DemoUser } from "./demo-users.ts";

export interface LocalSecondFactorOptions {
  /** Where the Create trigger delivers codes: the local mailbox. */
  readonly sender: CodeSender;
  readonly logger: Logger;
  readonly clientId: string;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/**
 * The second factor of the local IdP: Cognito's custom-auth orchestration
 * over the very Define/Create/Verify triggers the user pool runs in AWS, so
 * the code step behaves the same in `npm start` as in a deployed stage.
 */
export function createLocalSecondFactor(options: LocalSecondFactorOptions): LocalCustomAuth {
  const { logger, sender } = options;
  const now = options.now ?? Date.now;
  return createLocalCustomAuth({
    define: createDefineAuthChallenge({ logger }),
    create: createCreateAuthChallenge({ sender, logger, now }),
    verify: createVerifyAuthChallenge({ logger, now }),
    clientId: options.clientId,
    now,
  });
}

/** A demo user's attributes as Cognito passes them to the triggers. */
export function cognitoAttributes(user: DemoUser): Record<string, string> {
  return { sub: user.sub, email: user.email, email_verified: String(user.emailVerified), name: user.name };
}
