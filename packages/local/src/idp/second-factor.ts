import type { CodeSender } from "@spa-bff/auth-challenge";
import type { Logger } from "@spa-bff/core";
import { createHostedSecondFactor, type LocalCustomAuth } from "../cognito/hosted-second-factor.ts";
import { createAuthChallengeTriggers } from "../cognito/in-process-triggers.ts";
import type { CognitoTriggers } from "../cognito/triggers.ts";
import type { DemoUser } from "./demo-users.ts";

export interface LocalSecondFactorOptions {
  /** Where the Create trigger delivers codes: the local mailbox. */
  readonly sender: CodeSender;
  readonly logger: Logger;
  readonly clientId: string;
  /** The pool whose triggers run the step (the local Cognito's, when it is on). */
  readonly userPoolId: string;
  /** The pool's triggers; defaults to the product's own, run in this process. */
  readonly triggers?: CognitoTriggers;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/**
 * The second factor of the local IdP's login page: Cognito's custom-auth
 * orchestration (the local Cognito's own) over the very Define/Create/Verify
 * triggers the user pool runs in AWS, so the code step behaves the same in
 * `npm start` as in a deployed stage.
 */
export function createLocalSecondFactor(options: LocalSecondFactorOptions): LocalCustomAuth {
  const { logger, sender } = options;
  const now = options.now ?? Date.now;
  const triggers = options.triggers ?? createAuthChallengeTriggers({ sender, logger, now });
  return createHostedSecondFactor({
    invokeTrigger: triggers.invokeTrigger,
    context: {
      region: options.userPoolId.split("_")[0] ?? "us-east-1",
      userPoolId: options.userPoolId,
      clientId: options.clientId,
      awsSdkVersion: "aws-sdk-unknown-unknown",
    },
    now,
  });
}

/** A demo user's attributes as Cognito passes them to the triggers. */
export function cognitoAttributes(user: DemoUser): Record<string, string> {
  return { sub: user.sub, email: user.email, email_verified: String(user.emailVerified), name: user.name };
}
